/** `hana-backint install` and `uninstall`: plan (what would change), then apply and verify. */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { UserError } from '../../sdk/errors.js';
import { loadParams } from '../params.js';
import { execute, readBackupKeys, type BackupKey, type Hdbsql } from './hdbsql.js';
import type { InstallPaths } from './paths.js';
import { desiredIni, iniSteps, sameContent, type InstallRecord, type Step } from './plan.js';

export interface Plan {
  readonly steps: Step[];
  /** Why global.ini could not be read or written here; its statements are then only printed. */
  readonly iniNote?: string;
}

/** Files belong to the owner of the opt directory (<sid>adm), also when root installs. */
function own(file: string, p: InstallPaths): void {
  if (process.getuid?.() !== 0) return;
  const s = statSync(path.dirname(p.executable));
  chownSync(file, s.uid, s.gid);
}

function writeStep(file: string, content: Buffer, mode: number, what: string, p: InstallPaths): Step | undefined {
  if (sameContent(file, content)) return undefined;
  return {
    describe: `${existsSync(file) ? 'replace' : 'create'} ${what} ${file}`,
    async apply() {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.hana-backint.tmp`;
      writeFileSync(tmp, content, { mode });
      chmodSync(tmp, mode);
      own(tmp, p);
      renameSync(tmp, file);
    },
  };
}

async function readIni(h: Hdbsql | undefined): Promise<{ current?: Partial<Record<BackupKey, string>>; note?: string }> {
  if (!h) return { note: 'no --key given: run these statements in SYSTEMDB as a user with INIFILE ADMIN' };
  try {
    return { current: await readBackupKeys(h) };
  } catch (e) {
    return { note: `global.ini not reachable (${(e as Error).message}): run these statements in SYSTEMDB` };
  }
}

function recordStep(p: InstallPaths, ini: Partial<Record<BackupKey, string>> | undefined): Step | undefined {
  if (existsSync(p.record)) return undefined;
  const record: InstallRecord = { executableSaved: existsSync(p.executable), parameterFileSaved: existsSync(p.parameterFile), ini };
  return {
    describe:
      `record what was there before (${p.record})` +
      (record.executableSaved ? `, keep the old hdbbackint as ${p.savedExecutable}` : ''),
    async apply() {
      mkdirSync(path.dirname(p.record), { recursive: true });
      if (record.executableSaved) copyFileSync(p.executable, p.savedExecutable);
      if (record.parameterFileSaved) copyFileSync(p.parameterFile, p.savedParameterFile);
      writeFileSync(p.record, `${JSON.stringify(record, null, 2)}\n`);
      own(p.record, p);
    },
  };
}

export async function planInstall(
  p: InstallPaths,
  executable: Buffer,
  parameterFile: string | undefined,
  h?: Hdbsql,
): Promise<Plan> {
  let parameters: Buffer;
  if (parameterFile) {
    await loadParams(parameterFile); // a file the agent would refuse is refused here, before anything changes
    parameters = readFileSync(parameterFile);
  } else if (existsSync(p.parameterFile)) parameters = readFileSync(p.parameterFile);
  else throw new UserError(`no parameter file at ${p.parameterFile}`, 'pass --parameter-file FILE (the agent YAML to install)');
  const { current, note } = await readIni(h);
  const steps = [
    recordStep(p, current),
    writeStep(p.executable, executable, 0o755, 'the Backint agent', p),
    writeStep(p.parameterFile, parameters, 0o644, 'the parameter file', p),
  ].filter((s): s is Step => s !== undefined);
  const ini = iniSteps(current ?? {}, desiredIni(p), (sql) => (h ? execute(h, sql) : Promise.resolve()));
  return { steps: [...steps, ...ini], iniNote: note };
}

function restoreFile(file: string, saved: string, wasThere: boolean, what: string): Step | undefined {
  if (wasThere && existsSync(saved))
    return { describe: `put back the previous ${what} ${file}`, apply: async () => renameSync(saved, file) };
  if (!wasThere && existsSync(file)) return { describe: `remove ${what} ${file}`, apply: async () => rmSync(file) };
  return undefined;
}

export async function planUninstall(p: InstallPaths, h?: Hdbsql): Promise<Plan> {
  if (!existsSync(p.record)) return { steps: [] };
  const record = JSON.parse(readFileSync(p.record, 'utf8')) as InstallRecord;
  const { current, note } = await readIni(h);
  const previous = record.ini ?? {};
  const wanted: Partial<Record<BackupKey, string | undefined>> = {};
  for (const key of Object.keys(desiredIni(p)) as BackupKey[]) wanted[key] = previous[key];
  const ini = record.ini ? iniSteps(current ?? {}, wanted, (sql) => (h ? execute(h, sql) : Promise.resolve())) : [];
  const files = [
    restoreFile(p.executable, p.savedExecutable, record.executableSaved, 'Backint agent'),
    restoreFile(p.parameterFile, p.savedParameterFile, record.parameterFileSaved, 'parameter file'),
    { describe: `remove the install record ${p.record}`, apply: async () => rmSync(p.record) },
  ].filter((s): s is Step => s !== undefined);
  return { steps: [...ini, ...files], iniNote: note };
}
