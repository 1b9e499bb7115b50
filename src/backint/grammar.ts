/**
 * Backint input/output line grammar (docs/reference/backint.md §2.1): keyword first, parameters separated by
 * unquoted spaces, `"` quotes, `\"` is a literal quote, every other backslash is literal.
 * Tokens keep their raw text because results echo file names exactly as received.
 */

export interface Token {
  /** Decoded value: quotes removed, `\"` unescaped. */
  readonly value: string;
  /** The parameter exactly as it appeared in the line (quotes and escapes included). */
  readonly raw: string;
}

export interface Line {
  readonly number: number;
  readonly keyword: string;
  readonly params: readonly Token[];
  readonly text: string;
  /** Set when the line could not be split (an unterminated quote); `params` is then empty. */
  readonly error?: string;
}

export class GrammarError extends Error {
  constructor(
    readonly lineNumber: number,
    message: string,
  ) {
    super(`input line ${lineNumber}: ${message}`);
    this.name = 'GrammarError';
  }
}

/** Splits one line into tokens. Throws on an unterminated quote. */
export function tokenize(text: string, lineNumber = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    let quoted = false;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && text[i + 1] === '"') {
        value += '"';
        i += 2;
      } else if (c === '"') {
        quoted = !quoted;
        i++;
      } else if (!quoted && (c === ' ' || c === '\t')) {
        break;
      } else {
        value += c;
        i++;
      }
    }
    if (quoted)
      throw new GrammarError(
        lineNumber,
        `unterminated quote in ${JSON.stringify(text.slice(start))}; close the quoted parameter with "`,
      );
    tokens.push({ value, raw: text.slice(start, i) });
  }
  return tokens;
}

/**
 * Lines that start with `#KEYWORD`; anything else is a comment per the spec and is dropped. A line that cannot be
 * split is returned with `error` set rather than thrown.
 */
export function parseLines(input: string): Line[] {
  const lines: Line[] = [];
  const texts = input.split(/\r?\n/);
  texts.forEach((raw, index) => {
    const text = raw.replace(/^\uFEFF/, '');
    if (!/^#[A-Z]+(\s|$)/.test(text)) return;
    try {
      const [keyword, ...params] = tokenize(text, index + 1);
      lines.push({ number: index + 1, keyword: keyword!.value, params, text });
    } catch (e) {
      // One bad line is answered on its own (#ERROR); the caller decides, the other lines still run.
      lines.push({ number: index + 1, keyword: text.split(/\s/)[0]!, params: [], text, error: (e as Error).message });
    }
  });
  return lines;
}

/** Quotes a value for output, escaping embedded double quotes. */
export function quote(value: string): string {
  return `"${value.replace(/"/g, '\\"')}"`;
}

/** `"backint 1.50.2"` → [1, 50, 2]; unparseable → undefined. */
export function backintVersion(softwareId: string): number[] | undefined {
  const m = /backint\s+(\d+(?:\.\d+)*)/i.exec(softwareId);
  return m ? m[1]!.split('.').map(Number) : undefined;
}

export function versionAtLeast(version: readonly number[] | undefined, wanted: readonly number[]): boolean {
  if (!version) return false;
  for (let i = 0; i < wanted.length; i++) {
    const a = version[i] ?? 0;
    const b = wanted[i]!;
    if (a !== b) return a > b;
  }
  return true;
}
