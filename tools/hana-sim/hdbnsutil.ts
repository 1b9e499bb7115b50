/**
 * The simulator's hdbnsutil, for what a copy between systems needs: `-recoverRootKeys <file> --database_name=<T>
 * [--type=ALL|PERSISTENCE|LOG|BACKUP] [--password=<pw>]` imports a root key backup written by BACKUP ENCRYPTION ROOT
 * KEYS into this system's secure store for tenant <T> (community.sap.com, "missing backup root key": "hdbnsutil
 * -recoverRootKeys …" on the target host). Without --password the password is read from stdin, so it never has to
 * be on a command line.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { passwordMatches, readSecureStore, secureStoreFile, writeSecureStore, ROOT_KEY_TYPES } from './encryption.js';
import { systemPaths } from './paths.js';
import type { RootKeyBackup } from './root-key-sql.js';

export interface HdbnsutilIo {
  root: string;
  sid: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
}

const USAGE =
  'usage: hdbnsutil -recoverRootKeys <root key backup file> --database_name=<database> [--type=ALL|PERSISTENCE|LOG|BACKUP] ' +
  '[--password=<password>]   (without --password it is read from stdin)\n';

function options(argv: string[]): { file?: string; opts: Map<string, string>; bad?: string } {
  const opts = new Map<string, string>();
  let file: string | undefined;
  for (const a of argv.slice(1)) {
    const m = /^--(database_name|type|password)=(.*)$/.exec(a);
    if (m) opts.set(m[1]!, m[2]!);
    else if (!a.startsWith('-') && file === undefined) file = a;
    else return { opts, bad: a };
  }
  return { file, opts };
}

/** The system's databases, read from its state (the simulator server keeps it; read-only here). */
function databases(root: string, sid: string): string[] {
  const file = systemPaths(root, { sid, instance: '00', host: '' }).stateDb;
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT name FROM databases').all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

export async function runHdbnsutil(argv: string[], io: HdbnsutilIo): Promise<number> {
  if (argv[0] !== '-recoverRootKeys') {
    io.stderr(`${argv[0] ? `unknown command ${argv[0]}\n` : ''}${USAGE}`);
    return 1;
  }
  const { file, opts, bad } = options(argv);
  const database = opts.get('database_name')?.toUpperCase();
  const type = (opts.get('type') ?? 'ALL').toUpperCase();
  if (bad || !file || !database || (type !== 'ALL' && !(ROOT_KEY_TYPES as readonly string[]).includes(type))) {
    io.stderr(`${bad ? `invalid argument ${bad}\n` : ''}${USAGE}`);
    return 1;
  }
  if (!existsSync(file)) {
    io.stderr(`error: root key backup file ${file} not found\n`);
    return 1;
  }
  let backup: RootKeyBackup;
  try {
    backup = JSON.parse(readFileSync(file, 'utf8')) as RootKeyBackup;
    if (backup.format !== 'hana-sim root key backup 1') throw new Error('format');
  } catch {
    io.stderr(`error: ${file} is not a root key backup (written by BACKUP ENCRYPTION ROOT KEYS)\n`);
    return 1;
  }
  if (!databases(io.root, io.sid).includes(database)) {
    io.stderr(`error: database ${database} does not exist in ${io.sid}\n`);
    return 1;
  }
  const password = opts.get('password') ?? (await io.readStdin()).split('\n')[0]!.replace(/\r$/, '');
  if (!passwordMatches(password, backup.password)) {
    io.stderr(`error: wrong password for the root key backup ${file}\n`);
    return 1;
  }
  return importKeys(io, backup, database, type);
}

function importKeys(io: HdbnsutilIo, backup: RootKeyBackup, database: string, type: string): number {
  const storeFile = secureStoreFile(systemPaths(io.root, { sid: io.sid, instance: '00', host: '' }), io.sid);
  const store = readSecureStore(storeFile);
  const from = `${backup.sid}/${backup.database}`;
  let n = 0;
  for (const k of backup.keys) {
    if (type !== 'ALL' && k.type !== type) continue;
    if (store.keys.some((x) => x.hash === k.hash && x.database === database)) continue;
    store.keys.push({
      type: k.type as (typeof ROOT_KEY_TYPES)[number],
      database,
      hash: k.hash,
      createMs: k.createMs,
      status: 'DEACTIVATED',
      used: false,
      importedFrom: from,
    });
    n++;
  }
  writeSecureStore(storeFile, store);
  io.stdout(`recovering root keys of ${backup.database}@${backup.sid} for database ${database}: ${n} key(s) imported\ndone.\n`);
  return 0;
}
