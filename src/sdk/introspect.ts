/**
 * Argument-name introspection, the TypeScript counterpart of dvp's inspect.getfullargspec check.
 * The engine calls every operation with ONE object whose keys are the SDK argument names, so the names a
 * plugin can rely on are the keys of its first parameter's destructuring pattern. We read them from the
 * function's source text (Function.prototype.toString), which for compiled or plain JS keeps the pattern.
 */
/** Any function at all: what introspection accepts. */
export type AnyFunction = (...args: never[]) => unknown;

export type FirstParameter =
  /** `({ a, b: alias, c = 1 })`: keys in source order; `rest` when `...x` is present, `computed` when `[k]: x`. */
  | { kind: 'destructured'; keys: string[]; rest: boolean; computed: boolean }
  /** Anything else (`args`, `[a, b]`, `args = {}`): names cannot be verified. */
  | { kind: 'other'; text: string };

export interface ParameterInfo {
  /** Number of declared parameters (a trailing comma does not count). */
  count: number;
  /** Undefined when there are no parameters. */
  first?: FirstParameter;
}

/** Parameters of `fn`, or undefined when its source is not available (native or bound functions). */
export function describeParameters(fn: AnyFunction): ParameterInfo | undefined {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) return undefined;
  return parseParameters(source);
}

/** Parse the parameter list of a function's source text (arrow, function, method or async forms). */
export function parseParameters(source: string): ParameterInfo | undefined {
  const text = stripComments(source);
  const single = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text);
  if (single?.[1] && single[1] !== 'async') return { count: 1, first: { kind: 'other', text: single[1] } };
  const open = findParamsOpen(text);
  if (open < 0) return undefined;
  const close = matching(text, open);
  if (close < 0) return undefined;
  const params = splitTopLevel(text.slice(open + 1, close))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const [first] = params;
  if (first === undefined) return { count: 0 };
  return { count: params.length, first: describeFirst(first) };
}

function describeFirst(param: string): FirstParameter {
  if (!param.startsWith('{')) return { kind: 'other', text: param };
  const close = matching(param, 0);
  // `{ a } = {}` is still a destructuring pattern; anything else after the brace is not.
  const after = param.slice(close + 1).trim();
  if (close < 0 || (after !== '' && !after.startsWith('='))) return { kind: 'other', text: param };
  const keys: string[] = [];
  let rest = false;
  let computed = false;
  for (const raw of splitTopLevel(param.slice(1, close))) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.startsWith('...')) {
      rest = true;
      continue;
    }
    if (entry.startsWith('[')) {
      computed = true;
      continue;
    }
    const quoted = /^(['"])((?:\\.|(?!\1).)*)\1/.exec(entry);
    if (quoted) {
      keys.push(quoted[2]!);
      continue;
    }
    const ident = /^[A-Za-z_$][\w$]*/.exec(entry);
    if (ident) keys.push(ident[0]);
  }
  return { kind: 'destructured', keys, rest, computed };
}

/** Index of the `(` that opens the parameter list, skipping a computed method name `[...]`. */
function findParamsOpen(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') return i;
    if (c === '[') {
      const end = matching(text, i);
      if (end < 0) return -1;
      i = end;
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i) - 1;
    } else if (c === '{' || c === '=') {
      return -1;
    }
  }
  return -1;
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the bracket closing the one at `open`, skipping strings and template literals; -1 if none. */
function matching(text: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i) - 1;
    } else if (c in PAIRS) {
      stack.push(PAIRS[c]!);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Index just after the string or template literal starting at `start`. */
function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote) return i + 1;
    else if (quote === '`' && c === '$' && text[i + 1] === '{') {
      const end = matching(text, i + 1);
      if (end < 0) return text.length;
      i = end;
    }
  }
  return text.length;
}

/** Split at commas outside brackets and strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(text, i) - 1;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** Remove // and block comments outside strings (they may hold commas or braces). */
function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}
