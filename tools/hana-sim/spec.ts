/**
 * What a simulated landscape consists of: systems (SID, instance, host, the host clock's UTC offset),
 * their tenants and users, and the Backint settings shared by all systems.
 */

export type Privilege =
  | 'DATABASE ADMIN'
  | 'DATABASE RECOVERY OPERATOR'
  | 'DATABASE START'
  | 'DATABASE STOP'
  | 'DATABASE BACKUP OPERATOR'
  | 'BACKUP ADMIN'
  | 'CATALOG READ'
  | 'INIFILE ADMIN';

export const ALL_PRIVILEGES: readonly Privilege[] = [
  'DATABASE ADMIN',
  'DATABASE RECOVERY OPERATOR',
  'DATABASE START',
  'DATABASE STOP',
  'DATABASE BACKUP OPERATOR',
  'BACKUP ADMIN',
  'CATALOG READ',
  'INIFILE ADMIN',
];

export interface UserSpec {
  name: string;
  /** 'SYSTEMDB' or a tenant name. */
  database: string;
  privileges: readonly Privilege[];
  /** hdbuserstore key written for the current OS user at start. */
  key?: string;
  /** What the key is for, printed by `sim start --json`. */
  purpose?: string;
}

export interface SystemSpec {
  sid: string;
  /** "00".."99" */
  instance: string;
  host: string;
  /** The host clock's offset, "+01:00". backup.log and SYS_* columns print local time with it. */
  utcOffset: string;
  tenants: string[];
  /** HANA server version (`SELECT VERSION FROM SYS.M_DATABASE`, exe/manifest, Backint #SOFTWAREID). */
  version?: string;
  /** Version of the host's HANA client: what `hdbsql -v` prints. */
  clientVersion?: string;
  /** global.ini [backup] log_backup_timeout_s (simulated seconds). Default 900. */
  logBackupTimeoutS?: number;
  /** global.ini [backup] backint_response_timeout (real seconds). Default 600. */
  backintResponseTimeoutS?: number;
  /** global.ini [backup] parallel_data_backup_backint_channels. Default 1. */
  parallelDataBackupBackintChannels?: number;
  /**
   * The services of each tenant, one persistence volume each, numbered in this order after the volumes of the
   * tenants before it (SYSTEMDB's nameserver is volume 1). Must include 'indexserver' (the master). Default
   * xsengine, indexserver, dpserver: volumes 2, 3, 4 for the first tenant, as in SAP KBA 3707817.
   */
  tenantServices?: string[];
  /** Users besides the defaults (SYSTEM, HANAVDB, NOPRIV in SYSTEMDB; APPUSER per tenant). */
  users?: UserSpec[];
}

/** The landscape's Backint tool: our agent, or an emulation of Commvault's or AWS's (tools/backint-emul). */
export type BackintTool = 'hana-backint' | 'commvault' | 'aws';
export const BACKINT_TOOLS: readonly BackintTool[] = ['hana-backint', 'commvault', 'aws'];

export interface BackintSpec {
  /** Which tool every system's hdbbackint is. Default hana-backint. */
  tool?: BackintTool;
  /**
   * Emulated tools: the SID whose backups the other systems restore (Commvault: the cross-client keys written
   * into their parameter files; AWS: all systems share one bucket and folder). Default: the first system.
   */
  crossRestoreSource?: string;
  /** Filled by normalizeSpec: the host (Commvault client name) of crossRestoreSource. */
  crossRestoreClient?: string;
  /** Program the hdbbackint wrapper execs; default: node <repo>/bin/hana-backint.js. */
  agentCommand?: string[];
  /** Agent parameter-file keys written as YAML (StoreType/FilesystemRoot/ClockFile are set by default). */
  parameters?: Record<string, string | number | boolean>;
  /** LogVisibilityDelaySeconds of the agent: log backups reach the store this much (simulated) time late. */
  logShippingLagSeconds?: number;
  /** Version HANA announces in #SOFTWAREID. Default "backint 1.04" (HANA 2.00.071 in the OVH trace). */
  interfaceVersion?: string;
}

export interface LandscapeSpec {
  systems: SystemSpec[];
  backint?: BackintSpec;
}

export const DEFAULT_TENANT_SERVICES = ['xsengine', 'indexserver', 'dpserver'];
const SERVICES = new Set(['xsengine', 'indexserver', 'dpserver', 'docstore', 'scriptserver', 'diserver']);

export const DEFAULT_VERSION = '2.00.070.00.1679989823';
/** `HDBSQL version 2.20.20.1712178305, the SAP HANA Database interactive terminal.` (SAP BTP documentation). */
export const DEFAULT_CLIENT_VERSION = '2.20.20.1712178305';
/** <major>.<minor>.<revision>.<patch>.<build time>, e.g. 2.00.076.00.1705400033. */
export const HANA_VERSION = /^\d\.\d{2}\.\d{3}\.\d{2}\.\d{10}$/;

export function defaultLandscape(): LandscapeSpec {
  return {
    systems: [
      { sid: 'PRD', instance: '00', host: 'hanaprd', utcOffset: '+01:00', tenants: ['ERP'] },
      {
        sid: 'QAS',
        instance: '10',
        host: 'hanaqas',
        utcOffset: '-05:00',
        tenants: ['VDB1', 'VDB2', 'VDB3'],
        // Newer than PRD, as a copy target must be: a check comparing versions must not rely on equality.
        version: '2.00.076.00.1705400033',
      },
    ],
    backint: {},
  };
}

/** Default users of a system and their hdbuserstore keys (`<SID>_<PURPOSE>`). */
export function defaultUsers(system: SystemSpec): UserSpec[] {
  const sid = system.sid;
  const users: UserSpec[] = [
    {
      name: 'SYSTEM',
      database: 'SYSTEMDB',
      privileges: ALL_PRIVILEGES,
      key: `${sid}_SYSTEM`,
      purpose: 'SYSTEMDB administrator (all privileges)',
    },
    {
      name: 'HANAVDB',
      database: 'SYSTEMDB',
      privileges: ['DATABASE RECOVERY OPERATOR', 'DATABASE START', 'DATABASE STOP', 'DATABASE BACKUP OPERATOR', 'CATALOG READ'],
      key: `${sid}_RECOVERY`,
      purpose: 'SYSTEMDB user for backup, recovery, start and stop of tenants',
    },
    {
      name: 'NOPRIV',
      database: 'SYSTEMDB',
      privileges: ['CATALOG READ'],
      key: `${sid}_NOPRIV`,
      purpose: 'SYSTEMDB user without recovery/start/stop privileges (tests)',
    },
  ];
  for (const t of system.tenants) {
    users.push({ name: 'APPUSER', database: t, privileges: [], key: `${sid}_${t}`, purpose: `application user of tenant ${t}` });
  }
  return [...users, ...(system.users ?? [])];
}

const SID = /^[A-Z][A-Z0-9]{2}$/;
const DBNAME = /^[A-Z][A-Z0-9_]{0,30}$/;

/** Validates a spec and fills defaults; throws naming the field. */
export function normalizeSpec(spec: LandscapeSpec): LandscapeSpec {
  if (!spec.systems?.length) throw new Error('landscape.systems: at least one system is required');
  if (spec.backint?.tool && !BACKINT_TOOLS.includes(spec.backint.tool))
    throw new Error(`landscape.backint.tool: "${spec.backint.tool}" is not one of ${BACKINT_TOOLS.join(', ')}`);
  const sids = new Set<string>();
  for (const [i, s] of spec.systems.entries()) {
    const at = `landscape.systems[${i}]`;
    if (!SID.test(s.sid)) throw new Error(`${at}.sid: "${s.sid}" is not a SAP system id ([A-Z][A-Z0-9]{2})`);
    if (sids.has(s.sid)) throw new Error(`${at}.sid: ${s.sid} appears twice`);
    sids.add(s.sid);
    if (!/^\d{2}$/.test(s.instance)) throw new Error(`${at}.instance: "${s.instance}" must be two digits, e.g. "00"`);
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(s.host)) throw new Error(`${at}.host: "${s.host}" must be a lower-case host name`);
    if (!/^[+-]\d{2}:\d{2}$/.test(s.utcOffset)) throw new Error(`${at}.utcOffset: "${s.utcOffset}" must look like +01:00`);
    if (s.version !== undefined && !HANA_VERSION.test(s.version))
      throw new Error(`${at}.version: "${s.version}" must look like 2.00.076.00.1705400033`);
    if (s.clientVersion !== undefined && !/^\d+\.\d+\.\d+\.\d+$/.test(s.clientVersion))
      throw new Error(`${at}.clientVersion: "${s.clientVersion}" must look like 2.20.20.1712178305`);
    const services = s.tenantServices ?? DEFAULT_TENANT_SERVICES;
    if (!services.includes('indexserver') || new Set(services).size !== services.length || services.some((x) => !SERVICES.has(x)))
      throw new Error(
        `${at}.tenantServices: ${JSON.stringify(services)} must name each service once, include "indexserver", ` +
          `and use only ${[...SERVICES].join(', ')}`,
      );
    for (const t of s.tenants) {
      if (!DBNAME.test(t) || t === 'SYSTEMDB') throw new Error(`${at}.tenants: "${t}" is not a valid tenant name`);
    }
  }
  return {
    systems: spec.systems.map((s) => ({
      version: DEFAULT_VERSION,
      clientVersion: DEFAULT_CLIENT_VERSION,
      tenantServices: DEFAULT_TENANT_SERVICES,
      logBackupTimeoutS: 900,
      backintResponseTimeoutS: 600,
      parallelDataBackupBackintChannels: 1,
      ...s,
    })),
    backint: { interfaceVersion: 'backint 1.04', logShippingLagSeconds: 0, ...(spec.backint ?? {}), ...crossRestore(spec) },
  };
}

function crossRestore(spec: LandscapeSpec): Pick<BackintSpec, 'crossRestoreSource' | 'crossRestoreClient'> {
  const sid = spec.backint?.crossRestoreSource ?? spec.systems[0]!.sid;
  const source = spec.systems.find((s) => s.sid === sid);
  if (!source) throw new Error(`landscape.backint.crossRestoreSource: ${sid} is not one of the systems`);
  return { crossRestoreSource: sid, crossRestoreClient: source.host };
}

/** Offset "+01:00" → minutes. */
export function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * (h! * 60 + m!);
}

/** Port numbering of HANA 2.0: SYSTEMDB SQL 3<nr>13, nameserver 3<nr>01, tenant i indexserver 3<nr>40+3i, SQL +1. */
export function hanaPorts(instance: string, tenantIndex?: number): { internal: number; sql: number } {
  const base = 30000 + Number(instance) * 100;
  if (tenantIndex === undefined) return { internal: base + 1, sql: base + 13 };
  return { internal: base + 40 + 3 * tenantIndex, sql: base + 41 + 3 * tenantIndex };
}
