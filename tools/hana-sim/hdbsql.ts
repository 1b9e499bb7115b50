/**
 * The simulator's hdbsql: HANA's options, output shapes, `* <code>: <text> SQLSTATE: <state>` on stderr and
 * its exit codes, including -E and the -I pitfall (without -E a file run continues after errors and its exit
 * code is that of the last statement; a failed logon is reported with exit code 0).
 */
import { HanaCode } from '../../src/hana/error-codes.js';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { endpointsFile } from './paths.js';
import type { Endpoint } from './server.js';
import { HELP, parseHdbsqlArgs, UsageError, type HdbsqlOptions } from './hdbsql-options.js';
import { splitStatements } from './sql-tokens.js';
import { readUserStore } from './userstore.js';
import { WireClient } from './wire.js';

export interface HdbsqlIo {
  root: string;
  version: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
}

interface WireError {
  code: number;
  text: string;
  sqlState: string;
}
type Reply =
  | {
      ok: true;
      result?: { kind: 'rows'; columns: string[]; rows: unknown[][] } | { kind: 'affected'; count: number };
      serverTimeUs?: number;
    }
  | { ok: false; error: WireError };

class ClientError extends Error {
  constructor(readonly err: WireError) {
    super(err.text);
  }
}

/**
 * `* <code>: <text> SQLSTATE: <state>`; for a 448 the SQLSTATE comes on a line of its own, as in the only published 448
 * (AWS Backup developer guide: `* 448: recovery could not be completed: [301102] …` then ` SQLSTATE: HY000`).
 */
function formatError(e: WireError): string {
  return `* ${e.code}: ${e.text}${e.code === HanaCode.recoveryCouldNotBeCompleted ? '\n' : ''} SQLSTATE: ${e.sqlState}\n`;
}

function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(6)} sec`;
  return `${ms.toFixed(3)} msec`;
}
function serverDuration(us: number): string {
  if (us >= 1_000_000) return `${(us / 1e6).toFixed(6)} sec`;
  if (us >= 1000) return `${(us / 1000).toFixed(3)} msec`;
  return `${us} usec`;
}

function value(v: unknown, noEscape: boolean): string {
  if (v === null || v === undefined) return '?';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = String(v);
  return noEscape ? s : `"${s.replace(/"/g, '""')}"`;
}

function renderRows(o: HdbsqlOptions, columns: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map((v) => value(v, o.noEscape || o.aligned)));
  if (o.aligned) {
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
    const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |\n`;
    return (o.noHeader ? '' : line(columns) + line(widths.map((w) => '-'.repeat(w)))) + cells.map(line).join('');
  }
  return (o.noHeader ? '' : columns.join(o.fieldSeparator) + '\n') + cells.map((r) => r.join(o.fieldSeparator) + '\n').join('');
}

/** host[:port] or the key's ENV → the port the simulator listens on. */
function resolveEndpoint(
  root: string,
  server: string | undefined,
  instance: string | undefined,
  database: string | undefined,
): { port: number; database?: string } {
  const eps: Endpoint[] = existsSync(endpointsFile(root))
    ? (JSON.parse(readFileSync(endpointsFile(root), 'utf8')) as Endpoint[])
    : [];
  const first = (server ?? 'localhost').split(';')[0]!;
  const [host, portText] = first.split(':') as [string, string | undefined];
  let port = portText ? Number(portText) : instance ? 30013 + Number(instance) * 100 : 30015;
  const local = host === 'localhost' || host === '127.0.0.1';
  const byReal = local ? eps.find((e) => e.port === port) : undefined;
  const byHana = eps.find((e) => e.hanaPort === port && (local || e.host === host));
  const ep = byReal ?? byHana;
  if (!ep)
    throw new ClientError({
      code: HanaCode.connectionFailed,
      text: `Connection failed (RTE:[89006] System call 'connect' failed, rc=111:Connection refused {${first}})`,
      sqlState: 'HY000',
    });
  port = ep.port;
  return { port, database };
}

/** hdbsql as its users see it: options, the statements, the logon, then each statement's result or error. */
export async function runHdbsql(argv: string[], io: HdbsqlIo): Promise<number> {
  let o: HdbsqlOptions;
  try {
    o = parseHdbsqlArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${e.message}\n${HELP}`);
    return 2;
  }
  if (o.version) {
    io.stdout(`HDBSQL version ${io.version}, the SAP HANA Database interactive terminal.\n`);
    return 0;
  }
  if (o.help) {
    io.stdout(HELP);
    return 0;
  }
  let out = io.stdout;
  if (o.outputFile) {
    const file = o.outputFile;
    if (!o.appendOutput) writeFileSync(file, '');
    out = (s) => appendFileSync(file, s);
  }
  const fileMode = o.statement === undefined;
  const statements = await readStatements(o, io);
  if (statements === null) {
    io.stderr(
      formatError({ code: HanaCode.cannotOpenInputFile, text: `Cannot open input file ${o.inputFile}`, sqlState: 'HY000' }),
    );
    return o.errorExitCode ?? 1;
  }
  let client: WireClient;
  try {
    client = await logon(o, io);
  } catch (e) {
    if (!(e instanceof ClientError)) throw e;
    io.stderr(formatError(e.err));
    // The -I pitfall (community.sap_libs #51): a file run without -E reports a failed logon with rc 0.
    return fileMode && o.errorExitCode === undefined ? 0 : (o.errorExitCode ?? 1);
  }
  try {
    return await executeAll(o, io, out, client, statements, fileMode);
  } finally {
    client.close();
  }
}

/** -c's statement, the -I file's statements, or stdin's; null when the -I file does not exist. */
async function readStatements(o: HdbsqlOptions, io: HdbsqlIo): Promise<string[] | null> {
  if (o.statement !== undefined) return [o.statement];
  if (o.inputFile) {
    if (!existsSync(o.inputFile)) return null;
    return splitStatements(readFileSync(o.inputFile, 'utf8'), o.separator);
  }
  const text = await io.readStdin();
  return o.multiLine
    ? splitStatements(text, o.separator)
    : text
        .split('\n')
        .map((l) => l.trim().replace(/;$/, ''))
        .filter((l) => l && l !== '\\q');
}

/** Connects with -U KEY (the OS user's hdbuserstore) or -u/-p; a failure is a ClientError with HANA's code. */
async function logon(o: HdbsqlOptions, io: HdbsqlIo): Promise<WireClient> {
  let key: { env: string; user: string; password: string; database?: string } | undefined;
  if (o.key) {
    key = readUserStore(io.root)[o.key.toUpperCase()];
    if (!key)
      throw new ClientError({ code: HanaCode.userstoreKeyInvalid, text: `Invalid value for KEY (${o.key})`, sqlState: 'HY000' });
  }
  const user = o.user ?? key?.user;
  const password = o.password ?? key?.password;
  if (!user || password === undefined)
    throw new ClientError({
      code: HanaCode.hostUnreachable,
      text: 'Invalid logon: no user name or password given (use -U <key> or -u <user> -p <password>)',
      sqlState: 'HY000',
    });
  const ep = resolveEndpoint(io.root, o.server ?? key?.env, o.instance, o.database ?? key?.database);
  const client = await WireClient.connect('127.0.0.1', ep.port).catch((e: Error) => {
    throw new ClientError({
      code: HanaCode.connectionFailed,
      text: `Connection failed (RTE:[89006] System call 'connect' failed, rc=111:${e.message})`,
      sqlState: 'HY000',
    });
  });
  try {
    const reply = await client.request<Reply>({ op: 'connect', user, password, database: ep.database });
    if (!reply.ok) throw new ClientError(reply.error);
    return client;
  } catch (e) {
    client.close();
    throw e;
  }
}

/** Runs each statement; in file mode without -E an error is printed and the next statement runs. */
async function executeAll(
  o: HdbsqlOptions,
  io: HdbsqlIo,
  out: (s: string) => void,
  client: WireClient,
  statements: string[],
  fileMode: boolean,
): Promise<number> {
  const failExit = () => o.errorExitCode ?? 1;
  let rc = 0;
  for (const sql of statements) {
    if (o.printCommands) out(`${sql}\n`);
    const t0 = performance.now();
    let reply: Reply;
    try {
      reply = await client.request<Reply>({ op: 'execute', sql });
    } catch (e) {
      const text = `Connection failed (RTE:[89008] Socket closed by peer) ${(e as Error).message}`;
      io.stderr(formatError({ code: HanaCode.connectionFailed, text, sqlState: 'HY000' }));
      return failExit();
    }
    const overall = performance.now() - t0;
    if (!reply.ok) {
      io.stderr(formatError(reply.error));
      rc = 1;
      if (!fileMode || o.errorExitCode !== undefined) return failExit();
      continue;
    }
    rc = 0;
    const r = reply.result!;
    const timing = `(overall time ${duration(overall)}; server time ${serverDuration(reply.serverTimeUs ?? 0)})`;
    if (r.kind === 'rows') {
      out(renderRows(o, r.columns, r.rows));
      if (!o.noExtraOutput) out(`${r.rows.length} ${r.rows.length === 1 ? 'row' : 'rows'} selected ${timing}\n`);
    } else if (!o.noExtraOutput) {
      out(`${r.count} ${r.count === 1 ? 'row' : 'rows'} affected ${timing}\n`);
    }
  }
  return rc;
}
