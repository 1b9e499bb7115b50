/** Checks the input file against what each function accepts, before anything is touched. */
import { backintVersion, GrammarError, parseLines, type Line } from './grammar.js';

export type FunctionName = 'backup' | 'restore' | 'inquire' | 'delete';

interface Shape {
  readonly min: number;
  readonly max: number;
  readonly usage: string;
}

const SHAPES: Record<FunctionName, Record<string, Shape>> = {
  backup: {
    '#PIPE': { min: 1, max: 2, usage: '#PIPE <path> [<max size>]' },
    '#FILE': { min: 1, max: 2, usage: '#FILE <path> [<size>]' },
  },
  restore: {
    '#EBID': { min: 2, max: 3, usage: '#EBID "<ebid>" <path> [<destination>]' },
    '#NULL': { min: 1, max: 2, usage: '#NULL <path> [<destination>]' },
  },
  inquire: {
    '#EBID': { min: 1, max: 2, usage: '#EBID "<ebid>" [<path>]' },
    '#NULL': { min: 0, max: 1, usage: '#NULL [<path>]' },
  },
  delete: {
    '#EBID': { min: 2, max: 2, usage: '#EBID "<ebid>" <path>' },
  },
};

/** Keywords of the Backint grammar; other `#WORD` lines are comments. */
const KNOWN = new Set([
  '#SOFTWAREID',
  '#TOOLOPTION',
  '#PIPE',
  '#FILE',
  '#EBID',
  '#NULL',
  '#SAVED',
  '#RESTORED',
  '#BACKUP',
  '#DELETED',
  '#NOTDELETED',
  '#NOTFOUND',
  '#ERROR',
]);

/** An object line the function cannot run: answered `#ERROR <the line's parameters as received>`. */
export interface Rejected {
  readonly answer: string;
  readonly reason: string;
}

export interface Input {
  readonly objects: Line[];
  /** Malformed object lines, in input order; the other lines still run. */
  readonly rejected: Rejected[];
  readonly softwareId?: readonly [string, string?];
  readonly version?: number[];
  readonly toolOptions: string[];
}

function reject(line: Line, e: unknown): Rejected {
  const rest = line.text.slice(line.text.indexOf(line.keyword) + line.keyword.length).trim();
  const reason = e instanceof GrammarError ? e.message : `input line ${line.number}: ${(e as Error).message}`;
  return { answer: `#ERROR${rest ? ` ${rest}` : ''}`, reason };
}

/** Throws GrammarError when the object line is malformed for `fn`. */
function checkObjectLine(fn: FunctionName, line: Line): void {
  if (line.error !== undefined) throw new GrammarError(line.number, line.error.replace(/^input line \d+: /, ''));
  const shape = SHAPES[fn][line.keyword];
  if (!shape) {
    throw new GrammarError(
      line.number,
      `${line.keyword} is not valid for -f ${fn}; expected ${Object.values(SHAPES[fn])
        .map((s) => s.usage)
        .join(' or ')}`,
    );
  }
  if (line.params.length < shape.min || line.params.length > shape.max) {
    throw new GrammarError(
      line.number,
      `${line.keyword} has ${line.params.length} parameter(s); expected ${shape.usage} (quote names that contain spaces)`,
    );
  }
  if (line.params.some((t) => t.value === ''))
    throw new GrammarError(line.number, `${line.keyword} has an empty parameter; expected ${shape.usage}`);
  if (fn === 'backup' && line.params[1] && !/^\d+$/.test(line.params[1].value)) {
    throw new GrammarError(
      line.number,
      `size ${JSON.stringify(line.params[1].value)} is not a whole number of bytes; expected ${shape.usage}`,
    );
  }
  const named = fn !== 'backup' && line.keyword === '#EBID' ? line.params[1] : line.params[0];
  if (named && !named.value.startsWith('/'))
    throw new GrammarError(line.number, `path ${named.raw} is not absolute; HANA passes absolute paths`);
}

export function readInput(fn: FunctionName, text: string): Input {
  const objects: Line[] = [];
  const rejected: Rejected[] = [];
  const toolOptions: string[] = [];
  let softwareId: [string, string?] | undefined;
  for (const line of parseLines(text)) {
    if (!KNOWN.has(line.keyword)) continue;
    if (line.error !== undefined && (line.keyword === '#SOFTWAREID' || line.keyword === '#TOOLOPTION'))
      throw new GrammarError(line.number, line.error.replace(/^input line \d+: /, ''));
    if (line.keyword === '#SOFTWAREID') {
      if (line.params.length < 1) throw new GrammarError(line.number, '#SOFTWAREID needs "<backint version>" ["<software id>"]');
      softwareId ??= [line.params[0]!.value, line.params[1]?.value];
      continue;
    }
    if (line.keyword === '#TOOLOPTION') {
      toolOptions.push(line.params.map((t) => t.value).join(' '));
      continue;
    }
    try {
      checkObjectLine(fn, line);
    } catch (e) {
      rejected.push(reject(line, e));
      continue;
    }
    objects.push(line);
  }
  return { objects, rejected, softwareId, version: softwareId ? backintVersion(softwareId[0]) : undefined, toolOptions };
}

/** `#TOOLOPTION PARAMETER_FILE=<path>` (SAP's S3 agent reads it so): a per-statement parameter file replacing `-p`. */
export function toolParameterFile(toolOptions: readonly string[]): string | undefined {
  for (const t of toolOptions) {
    const m = /^\s*PARAMETER_FILE\s*=\s*(\S.*?)\s*$/i.exec(t);
    if (m) return m[1];
  }
  return undefined;
}
