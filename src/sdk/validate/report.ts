/** What `hana-vdb validate` finds, and how it is printed: one line per finding, "file: path: what. Fix: how". */
import type { Problem } from '../problems.js';

export interface Finding extends Problem {
  /** File the finding is about, relative to the plugin directory when inside it. */
  file: string;
  /** 1-based position in the file, when known (YAML/JSON syntax errors, code locations). */
  line?: number;
  column?: number;
}

export interface ValidationReport {
  /** The plugin directory, absolute. */
  dir: string;
  /** true when there are no errors (warnings allowed). */
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  /** dvp's manifest of the plugin, when its entry point could be loaded. */
  manifest?: Record<string, unknown>;
}

function end(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** "plugin_config.yml:3:5: $.id: 'id' is not in the accepted form. Fix: Use a UUID." */
export function formatFinding(f: Finding): string {
  const where = f.line !== undefined ? `${f.file}:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : f.file;
  return `${where}: ${f.path}: ${end(f.message)} Fix: ${end(f.fix)}`;
}

export class Findings {
  readonly errors: Finding[] = [];
  readonly warnings: Finding[] = [];

  error(file: string, p: Problem & { line?: number; column?: number }): void {
    this.errors.push({ file, ...p });
  }

  warn(file: string, p: Problem & { line?: number; column?: number }): void {
    this.warnings.push({ file, ...p });
  }
}
