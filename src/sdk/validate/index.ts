/**
 * `hana-vdb validate [DIR]`: the counterpart of `dvp build`'s checks, without building. Everything found is
 * reported at once; warnings never fail validation (as dvp's, so real Delphix files still pass).
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveEntryPoint, loadPlugin, type EntryPoint } from '../entry-point.js';
import { PlatformError, UserError } from '../errors.js';
import { checkPluginConfig, CONFIG_FILE, type LocatedProblem } from '../plugin-config.js';
import type { Plugin } from '../plugin.js';
import { importerTables, type PluginType } from './meta-schemas.js';
import { checkOperations } from './operations.js';
import { Findings, type ValidationReport } from './report.js';
import { checkSchemaFile } from './schema-file.js';

export type { ValidationReport, Finding } from './report.js';
export { formatFinding } from './report.js';

function add(findings: Findings, file: string, problems: LocatedProblem[]): void {
  for (const { severity, ...p } of problems) {
    if (severity === 'error') findings.error(file, p);
    else findings.warn(file, p);
  }
}

/** How to fix each registration-time error of the SDK (thrown while the entry module is imported). */
const PLATFORM_FIXES: Record<string, string> = {
  MigrationIdIncorrectFormatError: 'Use positive integers separated by dots, e.g. "2025.11.1".',
  MigrationIdIncorrectTypeError: 'Pass the migration id as a string, e.g. "2025.11.1".',
  MigrationIdAlreadyUsedError:
    'Give every migration its own id across all object types (ids compare canonically: "01.02" == "1.2.0").',
  OperationAlreadyDefinedError: 'Register each operation once.',
  DecoratorNotFunctionError: 'Pass a function.',
};

/** file:line:col of the first stack frame inside the plugin directory. */
function locate(err: Error, root: string): { file?: string; line?: number; column?: number } {
  for (const m of (err.stack ?? '').matchAll(/(file:\/\/[^\s)]+|\/[^\s():]+):(\d+):(\d+)/g)) {
    const where = m[1]!;
    const path = where.startsWith('file://') ? fileURLToPath(where) : where;
    const rel = relative(root, path);
    if (
      rel.startsWith('..') ||
      isAbsolute(rel) ||
      rel.startsWith(`node_modules${sep}`) ||
      rel.startsWith(`dist${sep}src${sep}sdk`) ||
      rel.startsWith(`src${sep}sdk`)
    )
      continue;
    return { file: rel, line: Number(m[2]), column: Number(m[3]) };
  }
  return {};
}

/** Import the plugin's entry point; a failure becomes a finding (at the line that threw, when known). */
async function loadReported(
  entry: EntryPoint,
  entryPoint: string,
  root: string,
  rel: (p: string) => string,
  findings: Findings,
): Promise<Plugin | undefined> {
  const file = rel(entry.sourceFile);
  try {
    return await loadPlugin(entry);
  } catch (e) {
    const err = e as Error;
    const at = locate(err, root);
    const where = at.line ? { line: at.line, column: at.column } : {};
    if (e instanceof UserError) {
      findings.error(file, { path: entryPoint, message: err.message, fix: e.action });
    } else if (e instanceof PlatformError || PLATFORM_FIXES[err.name]) {
      findings.error(at.file ?? file, {
        path: err.name,
        message: err.message,
        fix: PLATFORM_FIXES[err.name] ?? 'Correct the registration.',
        ...where,
      });
    } else {
      findings.error(at.file ?? file, {
        path: entryPoint,
        message: `Unable to load module '${entry.module}' specified in pluginEntryPoint '${entryPoint}': ${err.message}`,
        fix: `Fix the error in ${rel(entry.file)} (import it with node to see the full stack).`,
        ...where,
      });
    }
    return undefined;
  }
}

export async function validatePluginDir(dir: string): Promise<ValidationReport> {
  const root = resolve(dir);
  const findings = new Findings();
  const rel = (p: string) => (isAbsolute(p) && !relative(root, p).startsWith('..') ? relative(root, p) : p);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    findings.error(root, {
      path: '$',
      message: 'the plugin directory does not exist or is not a directory',
      fix: `Pass the directory that holds ${CONFIG_FILE}.`,
    });
    return { dir: root, valid: false, errors: findings.errors, warnings: findings.warnings };
  }

  const config = checkPluginConfig(root);
  add(findings, CONFIG_FILE, config.problems);
  const c = config.value ?? {};
  const configFieldOk = (field: string) =>
    !config.problems.some((p) => p.severity === 'error' && (p.path === `$.${field}` || p.path === '$'));

  if (typeof c.schemaFile === 'string' && configFieldOk('schemaFile')) {
    const schemaPath = resolve(root, c.schemaFile);
    add(findings, rel(schemaPath), checkSchemaFile(schemaPath));
  }

  let manifest: Record<string, unknown> | undefined;
  if (typeof c.entryPoint === 'string' && typeof c.srcDir === 'string' && configFieldOk('entryPoint') && configFieldOk('srcDir')) {
    let entry: EntryPoint | undefined;
    try {
      entry = resolveEntryPoint(root, { entryPoint: c.entryPoint, srcDir: c.srcDir });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      findings.error(CONFIG_FILE, { path: '$.entryPoint', message: e.message, fix: e.action });
    }
    const plugin = entry ? await loadReported(entry, c.entryPoint, root, rel, findings) : undefined;
    if (entry && plugin) {
      manifest = plugin.manifest();
      if (c.pluginType === 'STAGED' || c.pluginType === 'DIRECT') {
        add(findings, rel(entry.sourceFile), checkOperations(plugin, c.pluginType as PluginType, importerTables()));
      }
    }
  }
  return {
    dir: root,
    valid: findings.errors.length === 0,
    errors: findings.errors,
    warnings: findings.warnings,
    ...(manifest ? { manifest } : {}),
  };
}
