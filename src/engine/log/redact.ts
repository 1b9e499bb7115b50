/**
 * Secret redaction: every registered secret value is replaced by `[REDACTED]` in log lines, job logs and
 * error messages. Passwords are registered whatever their length; runBash variable values from
 * MIN_VARIABLE_LENGTH characters on, because masking every "00" or "PRD" would make logs unreadable
 * while such short values cannot carry a secret worth hiding.
 */
export const REDACTED = '[REDACTED]';
export const MIN_VARIABLE_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Register a password or key material: always redacted. */
  addSecret(value: string): void {
    if (value === '' || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.pattern = undefined;
  }

  /** Register a runBash variable value (treated as sensitive, as Delphix does). */
  addVariable(value: string): void {
    if (value.length >= MIN_VARIABLE_LENGTH) this.addSecret(value);
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    // Longest first, so a secret containing another one is removed whole.
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map(escape)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED);
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactValue(v)])) as T;
    }
    return value;
  }

  /** Redact an error's message (and UserError action/output) in place; returns it. */
  redactError<E>(err: E): E {
    if (err instanceof Error) {
      const e = err as Error & { action?: string; output?: string; stdout?: string; stderr?: string };
      e.message = this.redact(e.message);
      if (e.stack) e.stack = this.redact(e.stack);
      for (const k of ['action', 'output', 'stdout', 'stderr'] as const) {
        if (typeof e[k] === 'string') Object.defineProperty(e, k, { value: this.redact(e[k]!), enumerable: true });
      }
    }
    return err;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The process-wide registry: secrets seen by any job in this process. */
export const redactor = new Redactor();
