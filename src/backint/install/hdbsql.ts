/**
 * global.ini [backup] through hdbsql on this host: read with SYS.M_INIFILE_CONTENTS, written with ALTER SYSTEM
 * ALTER CONFIGURATION … WITH RECONFIGURE (SYSTEMDB, a user with INIFILE ADMIN, reached by an hdbuserstore key;
 * never a password). Keys and values are checked before they reach a statement.
 */
import { execa } from 'execa';
import { UserError } from '../../sdk/errors.js';

export const BACKUP_KEYS = [
  'data_backup_parameter_file',
  'log_backup_parameter_file',
  'catalog_backup_parameter_file',
  'log_backup_using_backint',
  'catalog_backup_using_backint',
] as const;
export type BackupKey = (typeof BACKUP_KEYS)[number];

export interface Hdbsql {
  readonly program: string;
  readonly key: string;
}

export function checkKey(key: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(key))
    throw new UserError(`--key ${key} is not an hdbuserstore key`, 'pass a key name such as HDB_SYSTEM');
  return key;
}

function literal(value: string): string {
  if (!/^[A-Za-z0-9_./@-]*$/.test(value))
    throw new UserError(`${JSON.stringify(value)} cannot go into global.ini safely`, 'use a path of letters, digits, _ . / @ -');
  return `'${value}'`;
}

export function setStatement(key: BackupKey, value: string | undefined): string {
  const target = `('global.ini', 'SYSTEM') ${value === undefined ? 'UNSET' : 'SET'} ('backup', '${key}')`;
  return `ALTER SYSTEM ALTER CONFIGURATION ${target}${value === undefined ? '' : ` = ${literal(value)}`} WITH RECONFIGURE`;
}

async function run(h: Hdbsql, sql: string): Promise<string> {
  const r = await execa(h.program, ['-U', h.key, '-a', '-x', '-j', sql], { reject: false });
  if (r.exitCode !== 0) {
    const why = `${r.stderr}`.trim().split('\n')[0] || `${r.stdout}`.trim().split('\n')[0] || `exit ${r.exitCode}`;
    throw new Error(`hdbsql -U ${h.key}: ${why}`);
  }
  return `${r.stdout}`;
}

/** The SYSTEM layer's [backup] keys this installer manages, as they are now (absent keys are missing). */
export async function readBackupKeys(h: Hdbsql): Promise<Partial<Record<BackupKey, string>>> {
  const sql =
    "SELECT KEY, VALUE FROM SYS.M_INIFILE_CONTENTS WHERE FILE_NAME = 'global.ini' AND LAYER_NAME = 'SYSTEM' " +
    "AND SECTION = 'backup'";
  const out: Partial<Record<BackupKey, string>> = {};
  for (const line of (await run(h, sql)).split('\n')) {
    const m = /^"([^"]*)","((?:[^"]|"")*)"$/.exec(line.trim());
    if (m && (BACKUP_KEYS as readonly string[]).includes(m[1]!)) out[m[1] as BackupKey] = m[2]!.replace(/""/g, '"');
  }
  return out;
}

export async function execute(h: Hdbsql, statement: string): Promise<void> {
  await run(h, statement);
}
