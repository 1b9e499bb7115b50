/**
 * The checks dvp makes after importing the entry point (platform/import_validations.py): each registered
 * operation and migration takes the SDK's argument names (errors "Number of arguments do not match" /
 * "Named argument mismatch"), only operations of the plugin type are registered, and the operations the type
 * needs are present (warnings "Implementation missing for required method ...").
 */
import { describeParameters, type AnyFunction } from '../introspect.js';
import { delphixOperationId } from '../naming.js';
import { UPGRADE_TYPES, type UpgradeType } from '../operations.js';
import { AREAS, type Plugin } from '../plugin.js';
import type { LocatedProblem } from '../plugin-config.js';
import type { ImporterTables, PluginType } from './meta-schemas.js';

const list = (names: readonly string[]) => `[${names.join(', ')}]`;

/** `({ a, b })`: the parameter an operation must declare. */
export const destructuring = (names: readonly string[]) => `({ ${names.join(', ')} })`;

/**
 * Check one implementation against the expected names. `label` names it in messages (e.g. "linked.postSnapshot()"),
 * `example` shows a correct registration.
 */
export function checkArguments(label: string, impl: AnyFunction, expected: readonly string[], example: string): LocatedProblem[] {
  const shape = destructuring(expected);
  const fix = `Give it one object parameter destructured with exactly the SDK names, e.g. ${example}.`;
  const info = describeParameters(impl);
  if (!info) {
    return [
      {
        severity: 'warning',
        path: label,
        message: `the argument names of ${label} cannot be verified (its source is not available, e.g. a bound or native function)`,
        fix,
      },
    ];
  }
  if (info.count > 1) {
    return [
      {
        severity: 'error',
        path: label,
        message:
          `Number of arguments do not match in method ${label}. Expected: one object ${shape}, Found: ` +
          `${info.count} parameters`,
        fix,
      },
    ];
  }
  const found = info.first?.kind === 'destructured' ? info.first.keys : info.first ? undefined : [];
  if (!found) {
    const text = info.first?.kind === 'other' ? info.first.text : '';
    return [
      {
        severity: 'warning',
        path: label,
        message:
          `the argument names of ${label} cannot be verified: its parameter ` +
          `${JSON.stringify(text.slice(0, 40))} is not destructured`,
        fix,
      },
    ];
  }
  const out: LocatedProblem[] = [];
  if (found.length !== expected.length) {
    out.push({
      severity: 'error',
      path: label,
      message: `Number of arguments do not match in method ${label}. Expected: ${list(expected)}, Found: ${list(found)}`,
      fix,
    });
  }
  if (!found.every((k) => expected.includes(k))) {
    out.push({
      severity: 'error',
      path: label,
      message: `Named argument mismatch in method ${label}. Expected: ${list(expected)}, Found: ${list(found)}`,
      fix,
    });
  }
  if (info.first?.kind === 'destructured' && (info.first.rest || info.first.computed)) {
    out.push({
      severity: 'warning',
      path: label,
      message: `the argument names of ${label} cannot be fully verified (rest element or computed key)`,
      fix,
    });
  }
  return out;
}

export function checkOperations(plugin: Plugin, pluginType: PluginType, tables: ImporterTables): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  const expectedByArea = tables.expectedArgs[pluginType];
  for (const area of AREAS) {
    for (const name of plugin.registered(area)) {
      const label = `${area}.${name}()`;
      const expected = expectedByArea[area][name];
      if (!expected) {
        out.push({
          severity: 'error',
          path: label,
          message: `${label} (${delphixOperationId(area, name)}) is not an operation of ${pluginType} plugins`,
          fix: `Remove it, or change pluginType if the plugin is not ${pluginType}.`,
        });
        continue;
      }
      out.push(
        ...checkArguments(
          label,
          plugin.operation(area, name)!,
          expected,
          `plugin.${area}.${name}(${destructuring(expected)} => ...)`,
        ),
      );
    }
  }
  for (const type of Object.keys(UPGRADE_TYPES) as UpgradeType[]) {
    for (const { id, impl } of plugin.upgrade.list(type)) {
      const expected = tables.upgradeArgs[type];
      out.push(
        ...checkArguments(
          `upgrade.${type}("${id}")`,
          impl,
          expected,
          `plugin.upgrade.${type}("${id}", ${destructuring(expected)} => ...)`,
        ),
      );
    }
  }
  for (const req of tables.required[pluginType]) {
    if (plugin.operation(req.area, req.name)) continue;
    const id = delphixOperationId(req.area, req.name);
    out.push({
      severity: 'warning',
      path: `${req.area}.${req.name}()`,
      message:
        `Implementation missing for required method ${id}. ` + `The Plugin Operation '${req.description}' will fail when executed`,
      fix: `Register it: plugin.${req.area}.${req.name}(...).`,
    });
  }
  return out;
}
