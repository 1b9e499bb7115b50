/**
 * The per-system behaviours of real landscapes switched on as faults: backup encryption (encryption.ts) and a
 * system replication primary with its secondary down (replication.ts). Their monitoring views, their effect on
 * RECOVER, and the switch the control port and `hana-vdb sim fault` use.
 */
import { HanaCode, HanaText } from '../../src/hana/error-codes.js';
import { ENCRYPTION_VIEWS, encryptionViewRows, missingBackupRootKey, setBackupEncryption } from './encryption.js';
import { REPLICATION_VIEWS, replicationRecoveryFailure, replicationViewRows, setSecondaryDown } from './replication.js';
import type { SystemCore } from './system-core.js';

export type SystemFault = 'backup-encryption' | 'sr-secondary-down';
export const SYSTEM_FAULTS: readonly SystemFault[] = ['backup-encryption', 'sr-secondary-down'];

/** Monitoring views these behaviours add (schema SYS of every database). */
export const FAULT_VIEWS: Record<string, string[]> = { ...ENCRYPTION_VIEWS, ...REPLICATION_VIEWS };

export function faultViewRows(sys: SystemCore, database: string): Record<string, unknown[][]> {
  return { ...encryptionViewRows(sys, database), ...replicationViewRows(sys, database) };
}

export function applySystemFault(sys: SystemCore, fault: SystemFault, on: boolean): void {
  if (fault === 'backup-encryption') setBackupEncryption(sys, on);
  else setSecondaryDown(sys, on);
}

/**
 * Why RECOVER of `source`'s backups into `target` on `sys` fails once it starts restoring data, or undefined.
 * Both happen where HANA restores the backup's root keys: an unknown key cannot decrypt the backup; a restored key
 * cannot be sent to a stopped secondary.
 */
export function recoveryFault(
  sys: SystemCore,
  source: { sid: string; database: string },
  target: string,
): { code: 448; detail: string; clientText?: string } | undefined {
  const sr = replicationRecoveryFailure(sys.state);
  if (sr) return { code: HanaCode.recoveryCouldNotBeCompleted, detail: sr.detail, clientText: sr.clientText };
  const src = sys.env.lookup(source.sid);
  const missing = src ? missingBackupRootKey(src, source.database, sys, target) : undefined;
  return missing
    ? {
        code: HanaCode.recoveryCouldNotBeCompleted,
        detail: missing,
        clientText: `${HanaText.recoveryCouldNotBeCompleted}: ${missing}`,
      }
    : undefined;
}
