/**
 * What the Backint tool really holds, asked the way HANA asks it (docs/reference/backint.md): `hdbbackint -f inquire` on the
 * TARGET host, with the parameter file the target recovers with and the source's namespace `-u <tenant>@<SID>`,
 * one `#EBID "<ebid>" "<path>"` line per backup file. `#BACKUP` = visible (with its creation time when the agent
 * speaks Backint >= 1.50), `#NOTFOUND` = not (yet) there: a log backup HANA wrote that the tool does not show
 * is the log-shipping lag. Everything travels in variables; the input file is written from one.
 */
import { DateTime } from 'luxon';
import { UserError } from '../../sdk/errors.js';
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import type { AbsolutePath, Sid, TenantName } from '../identifiers.js';
import { hdbsqlVariables, type HdbsqlTarget } from '../hdbsql/invocation.js';
import { parseHdbsqlOutput } from '../hdbsql/output.js';
import { CLOCK_QUERY, parseClock } from './catalog.js';
import { checkCrossRestoreKeys } from './commvault-params.js';

export interface InquireRequest {
  connection: RemoteConnection;
  hdbbackint: AbsolutePath;
  parameterFile: AbsolutePath;
  source: { sid: Sid; tenant: TenantName };
  objects: ReadonlyArray<{ ebid: string; path: string }>;
  /** Read the source HANA's clock right after the inquire (when a log backup was observed visible). */
  clock?: HdbsqlTarget;
  /**
   * COMMVAULT_BACKINT: the parameter file's cross-restore keys choose the namespace, not `-u`; they are checked
   * (naming the source SID, and the source client when known) before the answer is read.
   */
  commvault?: { sourceClient?: string };
}

export interface InquireResult {
  visibility: Map<string, Visibility>;
  /** Source clock (epoch ms) read after the inquire, null when not asked or unreadable. */
  observedMs: number | null;
}

export interface Visibility {
  visible: boolean;
  /** Creation time in the tool (epoch ms), when the agent reports it. */
  createdMs: number | null;
}

/** Backint 1.50 is the version whose inquire answers carry the creation time. */
const SOFTWARE_ID = '#SOFTWAREID "backint 1.50" "hana-vdb coverage check"';

export const INQUIRE_SCRIPT = `set -u
d=$(mktemp -d) || exit 20
trap 'rm -rf -- "$d"' EXIT
printf '%s\\n' "$HANA_VDB_BACKINT_INPUT" > "$d/in"
if [ -n "\${HANA_VDB_SHOW_PARAMS:-}" ]; then echo "@@HANA_VDB_PARAMS $(base64 -w0 < "$HANA_VDB_BACKINT_PARAMS")"; fi
"$HANA_VDB_HDBBACKINT" -f inquire -p "$HANA_VDB_BACKINT_PARAMS" -u "$HANA_VDB_BACKINT_USER" -i "$d/in" -o "$d/out" 2>"$d/err"; rc=$?
echo "@@HANA_VDB_RC $rc"
echo "@@HANA_VDB_OUT $(base64 -w0 < "$d/out" 2>/dev/null)"
echo "@@HANA_VDB_ERR $(base64 -w0 < "$d/err")"
if [ -n "\${HANA_VDB_HDBSQL:-}" ]; then
  echo "@@HANA_VDB_CLOCK $("$HANA_VDB_HDBSQL" -U "$HANA_VDB_KEY" -a -x -j "$HANA_VDB_SQL" 2>/dev/null | base64 -w0)"
fi
`;

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function inquireInput(objects: InquireRequest['objects']): string {
  for (const o of objects) {
    if (/[\r\n]/.test(o.ebid) || /[\r\n]/.test(o.path)) throw new Error('a Backint object name or EBID contains a line break');
  }
  return [SOFTWARE_ID, ...objects.map((o) => `#EBID ${quote(o.ebid)} ${quote(o.path)}`)].join('\n');
}

/** Split a Backint line into its parameters: space separated, double quotes group, \" is a literal quote. */
export function backintTokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          v += line[i + 1];
          i += 2;
        } else {
          v += line[i];
          i++;
        }
      }
      i++;
      out.push(v);
    } else {
      const j = line.indexOf(' ', i);
      out.push(line.slice(i, j === -1 ? line.length : j));
      i = j === -1 ? line.length : j;
    }
  }
  return out;
}

/** One Backint object: an EBID may cover several files (docs/reference/backint.md §10), so the key is both. */
export function objectKey(ebid: string, path: string): string {
  return `${ebid}\0${path}`;
}

/**
 * Visibility per (EBID, path) from the agent's answer lines. Agents differ in exit codes (some exit 1 for an
 * inquire answering `#NOTFOUND`), so only the lines count; `#ERROR` lines are returned apart.
 */
export function parseInquireOutput(text: string): { byObject: Map<string, Visibility>; notFound: Set<string>; errors: string[] } {
  const byObject = new Map<string, Visibility>();
  const notFound = new Set<string>();
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    const t = backintTokens(line.trim());
    if (t[0] === '#BACKUP' && t[1] && t[2]) {
      const created = t[3] ? DateTime.fromISO(t[3], { setZone: true }) : null;
      byObject.set(objectKey(t[1], t[2]), { visible: true, createdMs: created?.isValid ? created.toMillis() : null });
    } else if (t[0] === '#NOTFOUND' && t[1]) {
      notFound.add(objectKey(t[1], t[2] ?? ''));
    } else if (t[0] === '#ERROR') {
      errors.push(line.trim());
    }
  }
  return { byObject, notFound, errors };
}

/** Per EBID for the assessment: visible only when every file of that EBID is (newest creation time). */
export function visibilityByEbid(
  objects: ReadonlyArray<{ ebid: string; path: string }>,
  byObject: ReadonlyMap<string, Visibility>,
): Map<string, Visibility> {
  const out = new Map<string, Visibility>();
  for (const o of objects) {
    const v = byObject.get(objectKey(o.ebid, o.path)) ?? { visible: false, createdMs: null };
    const prev = out.get(o.ebid);
    if (!prev) out.set(o.ebid, v);
    else
      out.set(o.ebid, {
        visible: prev.visible && v.visible,
        createdMs: prev.createdMs === null || v.createdMs === null ? null : Math.max(prev.createdMs, v.createdMs),
      });
  }
  return out;
}

/** No answer at all, or any `#ERROR`: the tool could not tell. Exit codes alone decide nothing. */
export function inquireFailure(parsed: ReturnType<typeof parseInquireOutput>, rc: number, stderr: string): string | null {
  if (parsed.errors.length > 0) return stderr || parsed.errors[0]!;
  if (parsed.byObject.size === 0 && parsed.notFound.size === 0) return stderr || `no answer (exit code ${rc})`;
  return null;
}

export async function inquireVisibility(req: InquireRequest): Promise<InquireResult> {
  const objects = req.objects.filter((o) => o.ebid !== '');
  if (objects.length === 0) return { visibility: new Map(), observedMs: null };
  const user = `${req.source.tenant}@${req.source.sid}`;
  const res = await runRemote(
    req.connection,
    INQUIRE_SCRIPT,
    {
      HANA_VDB_HDBBACKINT: req.hdbbackint,
      HANA_VDB_BACKINT_PARAMS: req.parameterFile,
      HANA_VDB_BACKINT_USER: user,
      HANA_VDB_BACKINT_INPUT: inquireInput(objects),
      ...(req.commvault ? { HANA_VDB_SHOW_PARAMS: '1' } : {}),
      ...(req.clock ? hdbsqlVariables(req.clock, CLOCK_QUERY) : {}),
    },
    { check: true },
  );
  const field = (name: string) =>
    Buffer.from(new RegExp(`^@@HANA_VDB_${name} ?(\\S*)$`, 'm').exec(res.stdout)?.[1] ?? '', 'base64').toString('utf8');
  if (req.commvault)
    checkCrossRestoreKeys(field('PARAMS'), {
      parameterFile: req.parameterFile,
      sourceSid: req.source.sid,
      sourceClient: req.commvault.sourceClient,
    });
  const rc = Number(/^@@HANA_VDB_RC (\d+)$/m.exec(res.stdout)?.[1] ?? -1);
  const parsed = parseInquireOutput(field('OUT'));
  const failure = inquireFailure(parsed, rc, field('ERR').trim());
  if (failure !== null) {
    throw new UserError(
      `The Backint tool could not tell which backups of ${user} it holds (hdbbackint -f inquire with ` +
        `${req.parameterFile}): ${failure}`,
      `Check that ${req.hdbbackint} runs for the target's OS user and that ${req.parameterFile} lets the target read the ` +
        `source's backups (${user}).`,
    );
  }
  let observedMs: number | null = null;
  try {
    const clock = field('CLOCK');
    if (clock) observedMs = parseClock(parseHdbsqlOutput(clock));
  } catch {
    /* the clock after the inquire only sharpens the lag; the catalog's clock reading is the fallback */
  }
  return { visibility: visibilityByEbid(objects, parsed.byObject), observedMs };
}
