/**
 * Identifiers that end up in SQL text, shell variables or remote paths. Every one is parsed here into a
 * branded type; SQL and shell are built only from these, so nothing unvalidated reaches HANA or bash.
 * Anything else is a UserError naming the field and the rule it broke.
 */
import { UserError } from '../sdk/errors.js';
import { checkRemotePath } from '../sdk/paths.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Sid = Brand<string, 'Sid'>;
export type InstanceNumber = Brand<string, 'InstanceNumber'>;
export type TenantName = Brand<string, 'TenantName'>;
export type UserStoreKey = Brand<string, 'UserStoreKey'>;
export type AbsolutePath = Brand<string, 'AbsolutePath'>;
export type HostName = Brand<string, 'HostName'>;
export type OperationId = Brand<string, 'OperationId'>;

function describe(value: unknown): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : typeof value}`;
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(shown);
}

function reject(field: string, value: unknown, rule: string, action: string): never {
  throw new UserError(`Invalid ${field}: ${describe(value)} ${rule}.`, action);
}

function str(field: string, value: unknown): string {
  if (typeof value !== 'string') reject(field, value, 'is not a string', `Set ${field} to a text value.`);
  return value;
}

/** HANA system id: three characters, a letter then letters or digits (SAP Note 1979280 reserves some; we only check the form). */
export function parseSid(value: unknown, field = 'sid'): Sid {
  const v = str(field, value);
  if (!/^[A-Z][A-Z0-9]{2}$/.test(v))
    reject(field, v, 'is not a SAP system id', `Use three upper-case characters starting with a letter, e.g. "PRD".`);
  return v as Sid;
}

/** Instance number "00".."99". */
export function parseInstanceNumber(value: unknown, field = 'instanceNumber'): InstanceNumber {
  const v = str(field, value);
  if (!/^\d{2}$/.test(v)) reject(field, v, 'is not a two-digit instance number', 'Use the two digits of HDB<nr>, e.g. "00".');
  return v as InstanceNumber;
}

/**
 * A tenant database name as used unquoted in SQL (HANA upper-cases unquoted identifiers, so we require upper case
 * rather than guess). SYSTEMDB is refused: recovering it over a tenant workflow would take the whole system down.
 */
export function parseTenantName(value: unknown, field = 'tenant'): TenantName {
  const v = str(field, value);
  if (!/^[A-Z][A-Z0-9_]{0,62}$/.test(v))
    reject(
      field,
      v,
      'is not a HANA tenant database name',
      'Use upper-case letters, digits and "_", starting with a letter (at most 63 characters), e.g. "ERP".',
    );
  if (v === 'SYSTEMDB')
    reject(field, v, 'names the system database, not a tenant', 'Name a tenant database; SYSTEMDB cannot be virtualized.');
  return v as TenantName;
}

/** hdbuserstore key name (schema rule). It is passed as `-U <key>`, so a leading "-" (an option) can never occur. */
export function parseUserStoreKey(value: unknown, field = 'userStoreKey'): UserStoreKey {
  const v = str(field, value);
  if (!/^[A-Za-z0-9][A-Za-z0-9_]{0,63}$/.test(v))
    reject(
      field,
      v,
      'is not an hdbuserstore key name',
      'Use the key name shown by `hdbuserstore LIST`: letters, digits and "_" only, at most 64 characters.',
    );
  return v as UserStoreKey;
}

/**
 * An absolute path on the remote host, normalised (no duplicate or trailing "/"). Only a conservative character
 * set is allowed and ".." segments are refused, so a path can never walk out of where the user pointed.
 */
export function parseAbsolutePath(value: unknown, field = 'path'): AbsolutePath {
  return checkRemotePath(value, field) as AbsolutePath;
}

/** Join a validated path with further segments that are themselves checked (never "..", never "/"). */
export function joinPath(base: AbsolutePath, ...segments: string[]): AbsolutePath {
  return parseAbsolutePath([base, ...segments].join('/'), 'path');
}

/** A host name as it appears in the trace directory path /usr/sap/<SID>/HDB<nr>/<host>/trace. */
export function parseHostName(value: unknown, field = 'hostName'): HostName {
  const v = str(field, value);
  if (v.length > 253 || !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(v))
    reject(field, v, 'is not a host name', 'Use the host name of the HANA instance directory, e.g. "hanaprd".');
  return v as HostName;
}

/** backup.log operation id: lower-case hex (in practice epoch milliseconds of the start, 11 digits). */
export function parseOperationId(value: unknown, field = 'operationId'): OperationId {
  const v = str(field, value);
  if (!/^[0-9a-f]{1,16}$/.test(v))
    reject(
      field,
      v,
      'is not a backup.log operation id',
      'Use the hexadecimal id from the third column of backup.log, e.g. "177cec93d51".',
    );
  return v as OperationId;
}
