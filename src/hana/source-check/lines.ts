/**
 * The backup source check (`hana-vdb dsource check`): one verdict per line, each saying what was found on the
 * target host and, when it is not OK, the fix. `warn` does not stop a provision; `fail` would (or makes it wait).
 */
import type { PreflightCheck } from '../preflight/checks.js';

export type CheckVerdict = 'ok' | 'warn' | 'fail';

export type CheckLineId =
  'userstore' | 'catalog-backint' | 'parameter-file' | 'namespace' | 'catalog' | 'data-backup' | 'log-backup' | 'check-access';

export interface CheckLine {
  id: CheckLineId;
  title: string;
  verdict: CheckVerdict;
  found: string;
  fix: string | null;
}

export interface SourceCheckReport {
  version: 1;
  /** `<tenant>@<SID>` of the source. */
  source: string;
  /** The target system the check ran from. */
  target: { sid: string; host: string };
  backupSource: string;
  /** The parameter file HANA on the target reads backups with (null: none known). */
  parameterFile: string | null;
  /** The source's clock when its catalog was read (null: not read). */
  checkedAt: string | null;
  /** The worst line. */
  verdict: CheckVerdict;
  lines: CheckLine[];
}

/** A preflight check as a line: pass is OK, unknown is WARN (it could not be read), fail is FAIL. */
export function lineOfPreflight(c: PreflightCheck, id: CheckLineId): CheckLine {
  const verdict: CheckVerdict = c.verdict === 'pass' ? 'ok' : c.verdict === 'fail' ? 'fail' : 'warn';
  return { id, title: c.title, verdict, found: c.found, fix: verdict === 'ok' ? null : c.fix };
}

export function worstVerdict(lines: readonly CheckLine[]): CheckVerdict {
  if (lines.some((l) => l.verdict === 'fail')) return 'fail';
  return lines.some((l) => l.verdict === 'warn') ? 'warn' : 'ok';
}

/** "3 h 20 min", "45 s": ages a DBA reads at a glance. */
export function ageText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.round(s / 86400)} days`;
}
