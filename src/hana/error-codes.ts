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
  /** The simulator raises these two for START/STOP/DROP DATABASE on a tenant in the wrong state. */
  cannotStartDatabase: 466,
  cannotStopDatabase: 467,
  userstoreKeyInvalid: -10104,
  /** hdbsql -I with a file it cannot open. */
  cannotOpenInputFile: -10106,
  connectionFailed: -10709,
  connectionBroken: -10807,
  /** SQLDBC: the session was reconnected (statement state lost): treated as a failed connection. */
  sessionReconnected: -10108,
  sessionNotConnected: -10821,
  /** Raised by the simulator's hdbsql when no server answers at the key's address. */
  hostUnreachable: -10715,
} as const;

export const HanaInnerCode = {
  backintError: 110507,
  invalidBackintPath: 110091,
  /**
   * No public text found for these; the simulator chose them (tools/hana-sim/README.md says so). The plugin must not
   * give them a meaning of their own beyond "HANA refused".
   */
  simBackintFileNotFound: 110203,
  simBackintReportedError: 110092,
  simBackupNotInBackint: 110098,
  simNotSuccessfulDataBackup: 111010,
  simNotCompleteDataBackup: 111011,
  simBackupAfterPointInTime: 111012,
  simNotLogVolume: 111013,
  ambiguousLogBackups: 111004,
  backupCannotBeUsed: 111014,
  srRecoveryFailed: 301102,
  srSendingRootKeyFailed: 301153,
  /**
   * The simulator's inner code for a recovery of encrypted backups without the source's backup root key (the published
   * report shows the real message only as a screenshot); the plugin recognises it together with "root key" in the text.
   */
  simMissingBackupRootKey: 301103,
  /** `RTE:[89006] System call 'connect' failed`, `RTE:[89008] Socket closed by peer` (SQLDBC runtime codes). */
  rteConnectFailed: 89006,
  rteSocketClosed: 89008,
  /** The simulator's code for a client-side connection error without a HANA code. */
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
