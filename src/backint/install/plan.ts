/**
 * What install and uninstall would change, computed before anything is touched: `--dry-run` prints it, a run
 * applies it, and a second install finds nothing to do. Each step says what it changes in one line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { BACKUP_KEYS, setStatement, type BackupKey } from './hdbsql.js';
import type { InstallPaths } from './paths.js';

export interface Step {
  readonly describe: string;
  /** Set for global.ini steps: the statement to run (printed when it cannot be run here). */
  readonly statement?: string;
  readonly apply: () => Promise<void>;
}

/** What was there before the first install, for uninstall. */
export interface InstallRecord {
  readonly executableSaved: boolean;
  readonly parameterFileSaved: boolean;
  /** Previous values of the [backup] keys (absent: the key was not set); undefined when global.ini was not read. */
  readonly ini?: Partial<Record<BackupKey, string>>;
}

export function sameContent(file: string, content: Buffer): boolean {
  return existsSync(file) && readFileSync(file).equals(content);
}

export function desiredIni(p: InstallPaths): Record<BackupKey, string> {
  return {
    data_backup_parameter_file: p.parameterFile,
    log_backup_parameter_file: p.parameterFile,
    catalog_backup_parameter_file: p.parameterFile,
    log_backup_using_backint: 'true',
    catalog_backup_using_backint: 'true',
  };
}

/** Statements that make [backup] equal `wanted` (undefined values are unset), skipping keys already right. */
export function iniSteps(
  current: Partial<Record<BackupKey, string>>,
  wanted: Partial<Record<BackupKey, string | undefined>>,
  execute: (statement: string) => Promise<void>,
): Step[] {
  const steps: Step[] = [];
  for (const key of BACKUP_KEYS) {
    if (!(key in wanted) || current[key] === wanted[key]) continue;
    const statement = setStatement(key, wanted[key]);
    const describe =
      wanted[key] === undefined
        ? `global.ini [backup] ${key}: unset (was ${current[key]})`
        : `global.ini [backup] ${key}: ${current[key] ?? '(unset)'} -> ${wanted[key]}`;
    steps.push({ describe, statement, apply: () => execute(statement) });
  }
  return steps;
}
