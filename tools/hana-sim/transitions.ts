/**
 * Tenant start and stop take time: ALTER SYSTEM START|STOP DATABASE returns at once and M_DATABASES.ACTIVE_STATUS
 * shows STARTING or STOPPING for a while (FaultSettings.tenantStartMs/tenantStopMs, wall time) before YES or NO.
 * No public source names the intermediate values or says whether the statements wait; returning at once is the
 * harder choice for a client, which has to poll (README "Tenant transitions").
 */
import { SqlError } from './sql-errors.js';
import type { DatabaseRow } from './state.js';
import type { SystemCore } from './system-core.js';
import { HanaCode } from '../../src/hana/error-codes.js';

const FINAL = { STARTING: 'YES', STOPPING: 'NO' } as const;

/** Starts (`start`) or stops a tenant: STARTING/STOPPING now, YES/NO after the configured while. */
export function beginTransition(sys: Pick<SystemCore, 'state' | 'env'>, database: string, kind: 'start' | 'stop'): void {
  const ms = kind === 'start' ? sys.env.faults.tenantStartMs : sys.env.faults.tenantStopMs;
  const during = kind === 'start' ? 'STARTING' : 'STOPPING';
  if (ms <= 0) {
    sys.state.setActive(database, FINAL[during], '');
    return;
  }
  sys.state.setActive(database, during, '');
  setTimeout(() => {
    try {
      if (sys.state.database(database)?.active === during) sys.state.setActive(database, FINAL[during], '');
    } catch {
      /* the system was closed meanwhile; settleTransitions finishes it at the next start */
    }
  }, ms).unref();
}

/**
 * Ends transitions under way: all of them after a restart of the simulator, or those of one kind when a test sets
 * that kind's while to 0 (so a test can hold a tenant STOPPING as long as it asserts, then end it without waiting).
 */
export function settleTransitions(sys: Pick<SystemCore, 'state'>, kind?: 'start' | 'stop'): void {
  for (const d of sys.state.databases())
    if ((d.active === 'STARTING' && kind !== 'stop') || (d.active === 'STOPPING' && kind !== 'start'))
      sys.state.setActive(d.name, FINAL[d.active], '');
}

/** START and STOP are refused while the tenant is between states (the simulator's text; no evidence found). */
export function refuseDuringTransition(d: DatabaseRow): DatabaseRow {
  if (d.active === 'STARTING' || d.active === 'STOPPING')
    throw new SqlError(
      HanaCode.generalError,
      `general error: database ${d.name} is ${d.active}; wait until ACTIVE_STATUS is ${FINAL[d.active]}`,
    );
  return d;
}

/** RECOVER needs the tenant stopped: neither STOPPING nor STARTING is (the simulator's texts; no evidence found). */
export function refuseRecoveryDuringTransition(d: DatabaseRow): void {
  if (d.active === 'STOPPING')
    throw new SqlError(
      HanaCode.recoveryCouldNotBeCompleted,
      `recovery could not be completed: database ${d.name} is not stopped yet (ACTIVE_STATUS STOPPING)`,
    );
  if (d.active === 'STARTING')
    throw new SqlError(
      HanaCode.recoveryCouldNotBeCompleted,
      `recovery could not be completed: database ${d.name} is starting; stop it when ACTIVE_STATUS is YES`,
    );
}
