/**
 * Every HANA error code the plugin and the simulator use, named once. Outer codes are what hdbsql prints after `* `;
 * inner codes are the bracketed numbers HANA prints inside the text (`* 449: recovery strategy could not be
 * determined: [111014] ...`). Texts are the published ones where a source quotes them (see tools/hana-sim/README.md).
 */
export const HanaCode = {
  generalError: 2,
  fatalError: 3,
  featureNotSupported: 7,
  authenticationFailed: 10,
  sqlSyntaxError: 257,
  insufficientPrivilege: 258,
  invalidTableName: 259,
  invalidColumnName: 260,
  duplicateTableName: 288,
  uniqueConstraintViolated: 301,
  invalidDatetimeValue: 303,
  invalidSchemaName: 362,
  backupFailed: 447,
  recoveryCouldNotBeCompleted: 448,
  recoveryStrategyCouldNotBeDetermined: 449,
  invalidTenantDatabase: 466,
  tenantDatabaseNotRunning: 467,
  userstoreKeyInvalid: -10104,
  connectionFailed: -10709,
  connectionBroken: -10807,
  sessionNotConnected: -10821,
  hostUnreachable: -10715,
} as const;

export const HanaInnerCode = {
  backintError: 110507,
  backintFileNotFound: 110203,
  ambiguousLogBackups: 111004,
  backupCannotBeUsed: 111014,
  srRecoveryFailed: 301102,
  srSendingRootKeyFailed: 301153,
  rteConnect: 89006,
  rteSocket: 89008,
  clientConnectionRefused: 2000008,
} as const;

/** Published texts (verbatim) for the codes whose text a public source quotes. */
export const HanaText = {
  recoveryCouldNotBeCompleted: 'recovery could not be completed',
  recoveryStrategyCouldNotBeDetermined: 'recovery strategy could not be determined',
  backupCannotBeUsed: (backupId: string) => `The backup with backup id '${backupId}' cannot be used for recovery`,
  ambiguousLogBackups: 'Ambiguous sequence of log backups',
  srSendingRootKeyFailed: 'Sending root key to secondary failed',
} as const;

export type HanaCodeName = keyof typeof HanaCode;
export type HanaInnerCodeName = keyof typeof HanaInnerCode;
