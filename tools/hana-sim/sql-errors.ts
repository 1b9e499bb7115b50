/** SQL errors as HANA reports them: hdbsql prints `* <code>: <text> SQLSTATE: <state>`. */
import { randomBytes } from 'node:crypto';
import { HanaCode } from '../../src/hana/error-codes.js';

export class SqlError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    readonly sqlState = 'HY000',
  ) {
    super(`${code}: ${text}`);
    this.name = 'SqlError';
  }
}

function correlationId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export const errors = {
  syntax: (near: string) => new SqlError(HanaCode.sqlSyntaxError, `sql syntax error: incorrect syntax near "${near}"`, '42000'),
  insufficientPrivilege: () =>
    new SqlError(
      HanaCode.insufficientPrivilege,
      `insufficient privilege: Detailed info for this error can be found with correlation ID '${correlationId()}'`,
      '42000',
    ),
  authentication: () =>
    new SqlError(
      HanaCode.authenticationFailed,
      `authentication failed: Detailed info for this error can be found with correlation ID '${correlationId()}'`,
      '28000',
    ),
  notSupported: (what: string) => new SqlError(HanaCode.featureNotSupported, `feature not supported: ${what}`, 'HY000'),
  unknownDatabase: (name: string) => new SqlError(HanaCode.fatalError, `fatal error: database ${name} does not exist`, 'HY000'),
  /** HANA sends its own number for DDL on a missing/duplicate object; keep the SQLite text. */
  sqlite: (message: string) => {
    if (/no such table/i.test(message))
      return new SqlError(HanaCode.invalidTableName, `invalid table name: ${message.replace(/^no such table: /i, '')}`, '42000');
    if (/no such column/i.test(message))
      return new SqlError(HanaCode.invalidColumnName, `invalid column name: ${message.replace(/^no such column: /i, '')}`, '42000');
    if (/already exists/i.test(message))
      return new SqlError(HanaCode.duplicateTableName, `cannot use duplicate table name: ${message}`, '42000');
    if (/UNIQUE constraint/i.test(message))
      return new SqlError(HanaCode.uniqueConstraintViolated, `unique constraint violated: ${message}`, '23000');
    if (/syntax error/i.test(message)) return new SqlError(HanaCode.sqlSyntaxError, `sql syntax error: ${message}`, '42000');
    return new SqlError(HanaCode.generalError, `general error: ${message}`, 'HY000');
  },
};
