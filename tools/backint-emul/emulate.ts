/**
 * One hdbbackint call of an emulated tool: resolve the tool's namespace, translate its EBIDs to the wrapped
 * hana-backint store's, run hana-backint in-process on temporary files, translate the answer back, and exit as
 * the tool does (README.md in this folder, each rule with its evidence).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runAgent } from '../../src/backint/cli.js';
import { parseLines, quote, type Line } from '../../src/backint/grammar.js';
import { EbidMap } from './ebid-map.js';
import { resolveNamespace, type EmulatedTool, type HostIdentity, type Namespace } from './namespace.js';

export interface EmulatorOptions extends HostIdentity {
  tool: EmulatedTool;
  /** The simulator's clock file, so creation times and visibility follow simulated time. */
  clockFile?: string;
  /** Log backups become visible this many (simulated) seconds after they were written. */
  logLagSeconds: number;
}

export const SOFTWARE_IDS: Record<EmulatedTool, string> = {
  commvault: 'Commvault hdbbackint (hana-vdb emulation)',
  aws: 'AWS Backint Agent (hana-vdb emulation)',
};

const EBID_FIRST = new Set(['#SAVED', '#RESTORED', '#BACKUP', '#DELETED', '#NOTDELETED']);

interface Call {
  fn: string;
  paramFile: string;
  user: string;
  input?: string;
  output?: string;
  passThrough: string[];
}

function parseCall(argv: readonly string[]): Call | 'version' {
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-v') return 'version';
    seen.set(argv[i]!, argv[++i] ?? '');
  }
  const passThrough = ['-s', '-c', '-l'].flatMap((o) => (seen.has(o) ? [o, seen.get(o)!] : []));
  for (const o of ['-f', '-p', '-u']) if (!seen.get(o)) throw new Error(`option ${o} is required`);
  return {
    fn: seen.get('-f')!,
    paramFile: seen.get('-p')!,
    user: seen.get('-u')!,
    input: seen.get('-i'),
    output: seen.get('-o'),
    passThrough,
  };
}

/** The tool's own EBID for a backup call: Commvault a job number, AWS an opaque id; one per call, not per file. */
function newOuterEbid(tool: EmulatedTool): string {
  return tool === 'commvault' ? String(randomInt(1_000_000, 9_999_999)) : randomUUID();
}

interface Translation {
  lines: string[];
  /** Store EBID → the tool's EBID, for this call. */
  toOuter: Map<string, string>;
  /** Answers the emulator gives itself (an outer EBID that names nothing). */
  ownAnswers: string[];
}

function translateInput(fn: string, lines: Line[], map: EbidMap, ns: Namespace): Translation {
  const t: Translation = { lines: [], toOuter: new Map(), ownAnswers: [] };
  let unknown = 0;
  for (const l of lines) {
    if (l.keyword === '#TOOLOPTION') continue;
    if (l.keyword !== '#EBID' || fn === 'backup') {
      t.lines.push(l.text);
      continue;
    }
    const outer = l.params[0]!.value;
    const path = l.params[1];
    if (!path) {
      const files = map.files(ns.user, outer);
      if (files.length === 0) t.ownAnswers.push(`#NOTFOUND ${quote(outer)}`);
      for (const f of files) {
        t.toOuter.set(f.inner, outer);
        t.lines.push(`#EBID ${quote(f.inner)} ${quote(f.path)}`);
      }
      continue;
    }
    const inner = map.inner(ns.user, outer, path.value) ?? `unknown-${++unknown}-${Date.now()}`;
    t.toOuter.set(inner, outer);
    t.lines.push(['#EBID', quote(inner), ...l.params.slice(1).map((p) => p.raw)].join(' '));
  }
  return t;
}

function translateOutput(o: EmulatorOptions, fn: string, out: Line[], t: Translation, map: EbidMap, ns: Namespace): string[] {
  const job = fn === 'backup' ? newOuterEbid(o.tool) : '';
  const lines: string[] = [];
  for (const l of out) {
    if (l.keyword === '#SOFTWAREID') {
      lines.push(`#SOFTWAREID ${l.params[0]?.raw ?? '"backint 1.04"'} ${quote(SOFTWARE_IDS[o.tool])}`);
      continue;
    }
    const first = l.params[0];
    const isEbid = first && (EBID_FIRST.has(l.keyword) || t.toOuter.has(first.value) || first.raw.startsWith('"'));
    if (!first || !isEbid || (fn === 'backup' && l.keyword !== '#SAVED')) {
      lines.push(l.text);
      continue;
    }
    let outer: string | undefined;
    if (fn === 'backup') {
      outer = job;
      map.record(ns.user, job, l.params[1]!.value, first.value);
    } else outer = t.toOuter.get(first.value) ?? map.outer(ns.user, first.value);
    if (outer === undefined && !EBID_FIRST.has(l.keyword)) {
      lines.push(l.text);
      continue;
    }
    lines.push([l.keyword, quote(outer ?? first.value), ...l.params.slice(1).map((p) => p.raw)].join(' '));
  }
  return [...lines, ...t.ownAnswers];
}

/** Exit code of the emulated tool: any #ERROR or #NOTFOUND answer is a failure (README.md "Exit codes"). */
function exitCode(agentCode: number, lines: string[]): number {
  if (agentCode === 2) return 2;
  return agentCode !== 0 || lines.some((l) => /^#(ERROR|NOTFOUND|NOTDELETED)\b/.test(l)) ? 1 : 0;
}

export async function emulate(o: EmulatorOptions, argv: readonly string[], stderr: (s: string) => void): Promise<number> {
  const who = o.tool === 'commvault' ? 'Commvault hdbbackint' : 'aws-backint-agent';
  let call: Call | 'version';
  let ns: Namespace;
  try {
    call = parseCall(argv);
    if (call === 'version') {
      process.stdout.write(`#SOFTWAREID "backint 1.04" ${quote(SOFTWARE_IDS[o.tool])}\n`);
      return 0;
    }
    ns = resolveNamespace(o.tool, o, call.fn, call.paramFile, call.user);
  } catch (e) {
    stderr(`${who}: ${(e as Error).message}\n`);
    return 2;
  }
  const map = new EbidMap(join(ns.root, '.ebids'));
  const dir = mkdtempSync(join(tmpdir(), 'backint-emul-'));
  try {
    const params = join(dir, 'store.yaml');
    const yaml = [
      `StoreType: filesystem`,
      `FilesystemRoot: ${JSON.stringify(ns.root)}`,
      `LogVisibilityDelaySeconds: ${o.logLagSeconds}`,
    ];
    if (o.clockFile) yaml.push(`ClockFile: ${JSON.stringify(o.clockFile)}`);
    writeFileSync(params, yaml.join('\n') + '\n');
    const input = parseLines(readFileSync(call.input ?? 0, 'utf8'));
    const t = translateInput(call.fn, input, map, ns);
    writeFileSync(join(dir, 'in'), t.lines.join('\n') + '\n');
    const args = ['-f', call.fn, '-p', params, '-u', ns.user, '-i', join(dir, 'in'), '-o', join(dir, 'out'), ...call.passThrough];
    let agentErr = '';
    const code = await runAgent(
      args,
      (s) => (agentErr += s),
      () => undefined,
    );
    let outText = '';
    try {
      outText = readFileSync(join(dir, 'out'), 'utf8');
    } catch {
      /* the wrapped agent refused before answering: no result lines */
    }
    const lines = translateOutput(o, call.fn, parseLines(outText), t, map, ns);
    const text = lines.join('\n') + (lines.length ? '\n' : '');
    if (call.output) writeFileSync(call.output, text);
    else process.stdout.write(text);
    const rc = exitCode(code, lines);
    if (rc !== 0) stderr(`${who}: ${agentErr.replace(/^hana-backint: /, '').trim() || 'some objects were not found'}\n`);
    return rc;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
