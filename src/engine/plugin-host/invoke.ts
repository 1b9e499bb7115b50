/**
 * Calling one plugin operation: the plugin-defined objects in its argument are validated against the
 * schema, the engine's libs are bound for the call, and the result is shape-checked and validated.
 */
import { IncorrectPluginCodeError, UserError } from '../../sdk/errors.js';
import { withEngineLibs, type EngineLibs } from '../../sdk/libs.js';
import type { Area } from '../../sdk/plugin.js';
import type { DefinitionName } from '../../sdk/schema.js';
import type { LoadedPlugin } from './load.js';
import { checkReturnShape, type ReturnKind } from './returns.js';

/** Which definition each plugin-defined argument conforms to (platform objects are typed, not schema'd). */
const ARG_DEFINITIONS: Record<string, DefinitionName> = {
  repository: 'repositoryDefinition',
  sourceConfig: 'sourceConfigDefinition',
  snapshot: 'snapshotDefinition',
  optionalSnapshotParameters: 'snapshotParametersDefinition',
};

function validateIn(loaded: LoadedPlugin, op: string, args: Record<string, unknown>): void {
  const check = (definition: DefinitionName, value: unknown, what: string) => {
    try {
      loaded.schema.validate(definition, value);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`The ${what} passed to ${op} is not valid: ${e.message}`, e.action);
      throw e;
    }
  };
  for (const [name, value] of Object.entries(args)) {
    const definition = ARG_DEFINITIONS[name];
    if (definition && value !== null) check(definition, value, name);
  }
  const staged = args.stagedSource as { parameters?: unknown } | undefined;
  if (staged) check('linkedSourceDefinition', staged.parameters, 'stagedSource.parameters');
  const direct = args.directSource as { parameters?: unknown } | undefined;
  if (direct) check('linkedSourceDefinition', direct.parameters, 'directSource.parameters');
  const virtual = args.virtualSource as { parameters?: unknown } | undefined;
  if (virtual) check('virtualSourceDefinition', virtual.parameters, 'virtualSource.parameters');
}

function validateOut(loaded: LoadedPlugin, op: string, kind: ReturnKind, value: unknown): void {
  if (kind.kind !== 'object' && kind.kind !== 'list') return;
  const items = kind.kind === 'list' ? (value as unknown[]) : [value];
  items.forEach((item, i) => {
    try {
      loaded.schema.validate(kind.definition, item);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const which = kind.kind === 'list' ? ` (element ${i})` : '';
      throw new UserError(
        `${op} returned an invalid ${kind.definition}${which}: ${e.message}`,
        `The plugin must return objects that match schemas; ${e.action}`,
      );
    }
  });
}

export interface OperationCall {
  area: Area;
  name: string;
  args: Record<string, unknown>;
  returns: ReturnKind;
  /** When the plugin lacks the operation: 'skip' (optional operation) or an error naming what needs it. */
  required: boolean;
}

export const operationLabel = (area: Area, name: string) => `${area}.${name}()`;

/** Run the operation; `{ implemented: false }` when an optional operation is absent. */
export async function invokeOperation(
  loaded: LoadedPlugin,
  libs: EngineLibs,
  call: OperationCall,
): Promise<{ implemented: boolean; value: unknown }> {
  const op = operationLabel(call.area, call.name);
  const impl = loaded.plugin.operation(call.area, call.name);
  if (!impl) {
    if (call.required)
      throw new IncorrectPluginCodeError(`The plugin ${loaded.config.name} does not implement ${op}, which this workflow needs.`);
    return { implemented: false, value: undefined };
  }
  validateIn(loaded, op, call.args);
  const value: unknown = await withEngineLibs(libs, async () => impl(structuredClone(call.args)));
  checkReturnShape(op, call.returns, value);
  validateOut(loaded, op, call.returns, value);
  return { implemented: true, value };
}
