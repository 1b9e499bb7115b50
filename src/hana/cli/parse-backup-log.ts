/**
 * `hana-vdb parse-backup-log FILE [--json]`: the operations in a backup.log, every time in UTC.
 * --json prints {"operations":[{operationId, kind, startedAt, command, requestedTimestamp, finishedAt, outcome,
 * reachedTimestamp, reachedLogPosition, errorCode, message}]}; otherwise a table. Lines that are not backup.log
 * entries are counted on stderr.
 * Exit codes: 0 parsed (also when nothing was found), 1 bad usage or unreadable file.
 */
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../../sdk/errors.js';
import { BackupLogAssembler, type BackupLogOperation } from '../backup-log/operations.js';

/** What this command needs from `hana-vdb`'s main; a structural subset of the engine's command context. */
export interface ParseBackupLogContext {
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = 'Usage: hana-vdb parse-backup-log FILE [--json]';

export async function run(argv: string[], ctx: ParseBackupLogContext): Promise<number> {
  const json = ctx.json || argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const unknown = args.find((a) => a.startsWith('-') && a !== '-');
  if (unknown) throw new UserError(`Unknown option ${unknown}.`, USAGE);
  if (args.length !== 1)
    throw new UserError(args.length === 0 ? 'No backup.log file given.' : `Expected one file, got ${args.length}.`, USAGE);
  const file = resolve(args[0]!);
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UserError(
      `Cannot read ${file}: no such file.`,
      'Give the path of a backup.log, e.g. /usr/sap/<SID>/HDB<nr>/<host>/trace/DB_<TENANT>/backup.log.',
    );
  }
  if (!st.isFile()) throw new UserError(`${file} is not a file.`, USAGE);

  const a = new BackupLogAssembler();
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) a.pushLine(line);
  const operations = a.operations();

  if (json) {
    ctx.stdout(JSON.stringify({ operations }) + '\n');
  } else {
    ctx.stdout(table(operations));
  }
  if (a.unparsed > 0) ctx.stderr(`${a.unparsed} line(s) did not look like backup.log entries and were skipped.\n`);
  return 0;
}

export function table(ops: BackupLogOperation[]): string {
  if (ops.length === 0) return 'No operations found.\n';
  const head = [
    'OPERATION',
    'KIND',
    'STARTED (UTC)',
    'FINISHED (UTC)',
    'OUTCOME',
    'REQUESTED (UTC)',
    'REACHED (UTC)',
    'LOG POSITION',
    'ERROR',
  ];
  const rows = ops.map((o) => [
    o.operationId ?? '-',
    o.kind,
    o.startedAt ?? '-',
    o.finishedAt ?? '-',
    o.outcome,
    o.requestedTimestamp ?? '-',
    o.reachedTimestamp ?? '-',
    o.reachedLogPosition ?? '-',
    o.errorCode === null ? '-' : String(o.errorCode),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [fmt(head), ...rows.map(fmt)];
  const messages = ops.filter((o) => o.outcome === 'error' && o.message).map((o) => `${o.operationId ?? '-'}: ${o.message}`);
  if (messages.length) out.push('', ...messages);
  return out.join('\n') + '\n';
}
