/**
 * Runtime checks of what an operation returns, as the SDK's _discovery/_linked/_virtual wrappers do:
 * wrong shapes are IncorrectReturnTypeError (a plugin bug); plugin-defined objects are then validated
 * against the schema (an invalid one is a UserError naming the field).
 */
import { IncorrectReturnTypeError } from '../../sdk/errors.js';
import type { MountSpecification } from '../../sdk/platform.js';
import type { DefinitionName } from '../../sdk/schema.js';

export type ReturnKind =
  | { kind: 'void' }
  | { kind: 'object'; definition: DefinitionName }
  | { kind: 'list'; definition: DefinitionName }
  | { kind: 'mountSpecification' }
  | { kind: 'status' };

const CLASS: Record<DefinitionName, string> = {
  repositoryDefinition: 'RepositoryDefinition',
  sourceConfigDefinition: 'SourceConfigDefinition',
  linkedSourceDefinition: 'LinkedSourceDefinition',
  virtualSourceDefinition: 'VirtualSourceDefinition',
  snapshotDefinition: 'SnapshotDefinition',
  snapshotParametersDefinition: 'SnapshotParametersDefinition',
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

function wrong(op: string, got: unknown, expected: string): IncorrectReturnTypeError {
  return new IncorrectReturnTypeError(
    `The returned object for the ${op} operation was ${typeName(got)} but should be of ${expected}.`,
  );
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ENV_REF = /^UNIX_HOST_ENVIRONMENT-\d+$/;

export function checkMountSpecification(op: string, v: unknown): MountSpecification {
  if (!isPlainObject(v) || !Array.isArray(v.mounts)) throw wrong(op, v, 'type MountSpecification');
  if (v.mounts.length === 0)
    throw new IncorrectReturnTypeError(`The ${op} operation returned a MountSpecification without mounts; at least one is needed.`);
  v.mounts.forEach((m, i) => {
    if (!isPlainObject(m) || typeof m.mountPath !== 'string')
      throw wrong(`${op} mounts[${i}]`, m, 'type Mount with a string mountPath');
    const env = m.remoteEnvironment;
    const envOk =
      (typeof env === 'string' && ENV_REF.test(env)) ||
      (isPlainObject(env) && typeof env.reference === 'string' && ENV_REF.test(env.reference));
    if (!envOk)
      throw new IncorrectReturnTypeError(
        `The ${op} operation returned mounts[${i}].remoteEnvironment that is neither a RemoteEnvironment nor ` +
          `a reference like UNIX_HOST_ENVIRONMENT-1.`,
      );
    if (m.sharedPath !== undefined && m.sharedPath !== null && typeof m.sharedPath !== 'string')
      throw wrong(`${op} mounts[${i}].sharedPath`, m.sharedPath, 'type string');
  });
  const own = v.ownershipSpecification;
  if (own !== undefined && own !== null && (!isPlainObject(own) || !Number.isInteger(own.uid) || !Number.isInteger(own.gid))) {
    throw wrong(`${op} ownershipSpecification`, own, 'type OwnershipSpecification (integer uid and gid)');
  }
  return v as unknown as MountSpecification;
}

/** Shape check only (schema validation follows in the caller). */
export function checkReturnShape(op: string, kind: ReturnKind, v: unknown): void {
  switch (kind.kind) {
    case 'void':
      if (v !== undefined && v !== null) throw wrong(op, v, 'type None (nothing)');
      return;
    case 'object':
      if (!isPlainObject(v)) throw wrong(op, v, `type ${CLASS[kind.definition]}`);
      return;
    case 'list':
      if (!Array.isArray(v)) throw wrong(op, v, `type list of ${CLASS[kind.definition]}`);
      v.forEach((e, i) => {
        if (!isPlainObject(e)) throw wrong(`${op} (element ${i})`, e, `type ${CLASS[kind.definition]}`);
      });
      return;
    case 'mountSpecification':
      checkMountSpecification(op, v);
      return;
    case 'status':
      if (v !== 0 && v !== 1) throw wrong(op, v, 'type Status (Status.ACTIVE or Status.INACTIVE)');
      return;
  }
}
