/**
 * System replication (README "System replication"). A system is an SR primary when the `sr-secondary-down` fault
 * is set on it; its secondary is then down. M_SYSTEM_REPLICATION and M_SERVICE_REPLICATION show it, empty without
 * SR. A recovery on such a primary fails as AWS's restore troubleshooting shows: HANA sends the restored root key to
 * the secondary and cannot.
 */
import { HanaCode, HanaInnerCode, HanaText } from '../../src/hana/error-codes.js';
import { hanaPorts } from './spec.js';
import type { SystemState } from './state.js';

interface Replication {
  siteName: string;
  secondarySiteName: string;
  secondaryHost: string;
  secondaryUp: boolean;
}

interface ReplicationSystem {
  spec: { sid: string; host: string; instance: string };
  state: SystemState;
}

export function replication(state: SystemState): Replication | undefined {
  const v = state.meta('system_replication');
  return v ? (JSON.parse(v) as Replication) : undefined;
}

/** The `sr-secondary-down` fault: SR primary with a stopped secondary (`on`), or no SR at all. */
export function setSecondaryDown(sys: ReplicationSystem, on: boolean): void {
  const r: Replication = {
    siteName: `${sys.spec.host}-site1`,
    secondarySiteName: `${sys.spec.host}-site2`,
    secondaryHost: `${sys.spec.host}-sec`,
    secondaryUp: false,
  };
  sys.state.setMeta('system_replication', on ? JSON.stringify(r) : '');
}

export const REPLICATION_VIEWS: Record<string, string[]> = {
  M_SYSTEM_REPLICATION: [
    'SITE_ID',
    'SITE_NAME',
    'SECONDARY_SITE_ID',
    'SECONDARY_SITE_NAME',
    'REPLICATION_MODE',
    'REPLICATION_STATUS',
    'OPERATION_MODE',
    'SECONDARY_READ_ACCESS_STATUS',
    'TIER',
  ],
  M_SERVICE_REPLICATION: [
    'HOST',
    'PORT',
    'VOLUME_ID',
    'SITE_ID',
    'SITE_NAME',
    'SECONDARY_HOST',
    'SECONDARY_PORT',
    'SECONDARY_SITE_ID',
    'SECONDARY_SITE_NAME',
    'SECONDARY_ACTIVE_STATUS',
    'REPLICATION_MODE',
    'REPLICATION_STATUS',
    'REPLICATION_STATUS_DETAILS',
  ],
};

/** Rows of the replication views seen from `database` (a tenant sees its own services). */
export function replicationViewRows(sys: ReplicationSystem, database: string): Record<string, unknown[][]> {
  const r = replication(sys.state);
  if (!r) return { M_SYSTEM_REPLICATION: [], M_SERVICE_REPLICATION: [] };
  const status = r.secondaryUp ? 'ACTIVE' : 'ERROR';
  // The simulator's detail text: the published ones seen are for other causes ('Log shipping timeout occurred').
  const details = r.secondaryUp ? '' : 'Communication channel closed';
  const system = [[1, r.siteName, 2, r.secondarySiteName, 'SYNC', status, 'logreplay', 'NOT CONFIGURED', 1]];
  const services = sys.state
    .databases()
    .filter((d) => database === 'SYSTEMDB' || d.name === database)
    .map((d) => {
      const port = hanaPorts(sys.spec.instance, d.port_index < 0 ? undefined : d.port_index).internal;
      const active = r.secondaryUp ? 'YES' : 'NO';
      return [
        sys.spec.host,
        port,
        d.volume,
        1,
        r.siteName,
        r.secondaryHost,
        port,
        2,
        r.secondarySiteName,
        active,
        'SYNC',
        status,
        details,
      ];
    });
  return { M_SYSTEM_REPLICATION: system, M_SERVICE_REPLICATION: services };
}

/** The published failure (AWS Backup developer guide), verbatim; the client prints SQLSTATE on the next line. */
export const SECONDARY_DOWN_TEXT =
  `[${HanaInnerCode.srRecoveryFailed}] exception ${HanaInnerCode.srSendingRootKeyFailed}: ` +
  `${HanaText.srSendingRootKeyFailed}: connection refused. ` +
  'This may be caused by a stopped system replication secondary. Please keep the secondary online to receive the ' +
  'restored root key. Alternatively you could unregister the secondary site in case of an urgent recovery.';

/** Why a recovery on this system fails because of system replication, or undefined. */
export function replicationRecoveryFailure(state: SystemState): { code: number; detail: string; clientText: string } | undefined {
  const r = replication(state);
  if (!r || r.secondaryUp) return undefined;
  return {
    code: HanaCode.recoveryCouldNotBeCompleted,
    detail: SECONDARY_DOWN_TEXT,
    // The SQLSTATE's own line after a 448 is the client's form for every 448 (sql-errors.ts), as AWS shows it here.
    clientText: `${HanaText.recoveryCouldNotBeCompleted}: ${SECONDARY_DOWN_TEXT}`,
  };
}
