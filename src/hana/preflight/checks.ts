/**
 * The preflight checks (docs/GLOSSARY.md "preflight"): what must hold on the source and the target before a recovery
 * may touch the target tenant. Each check is a pure function over facts already read and parsed (facts.ts reads
 * them); each returns one verdict with what was found and, when it does not pass, the exact fix. `hana-vdb plan`
 * shows every check; a provision or refresh stops at the first failing one (run.ts) with the target untouched.
 */
import { compareHanaVersions, describeHanaVersion, parseHanaVersion } from './version.js';

export type PreflightCheckId =
  'userstore' | 'version' | 'catalog-backint' | 'backint-parameter-files' | 'encryption-root-keys' | 'system-replication';

/** pass; fail (blocks a recovery); unknown (could not be read: shown and logged, does not block). */
export type PreflightVerdict = 'pass' | 'fail' | 'unknown';

export interface PreflightCheck {
  id: PreflightCheckId;
  title: string;
  verdict: PreflightVerdict;
  found: string;
  fix: string | null;
}

const pass = (id: PreflightCheckId, title: string, found: string): PreflightCheck => ({
  id,
  title,
  verdict: 'pass',
  found,
  fix: null,
});
const fail = (id: PreflightCheckId, title: string, found: string, fix: string): PreflightCheck => ({
  id,
  title,
  verdict: 'fail',
  found,
  fix,
});
const unknown = (id: PreflightCheckId, title: string, found: string, fix: string): PreflightCheck => ({
  id,
  title,
  verdict: 'unknown',
  found,
  fix,
});

/** `ALTER SYSTEM ALTER CONFIGURATION ... SET ('backup', key) = 'value'` on SYSTEMDB, for fix texts. */
export function setBackupParameter(key: string, value: string): string {
  return `ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', '${key}') = '${value}' WITH RECONFIGURE`;
}

export interface VersionFacts {
  sourceSid: string;
  targetSid: string;
  /** `SELECT VERSION FROM SYS.M_DATABASE` on each side; null when it could not be read (reason in `unreadable`). */
  source: string | null;
  target: string | null;
  unreadable?: string;
}

const VERSION_TITLE = 'target version >= source version';

export function checkVersion(f: VersionFacts): PreflightCheck {
  const s = parseHanaVersion(f.source);
  const t = parseHanaVersion(f.target);
  if (!s || !t) {
    const what = !s ? `${f.sourceSid} (source)` : `${f.targetSid} (target)`;
    const value = !s ? f.source : f.target;
    return unknown(
      'version',
      VERSION_TITLE,
      `the HANA version of ${what} could not be read: ${f.unreadable ?? JSON.stringify(value)}`,
      `Check with SELECT VERSION FROM SYS.M_DATABASE on ${what}; HANA recovers backups only on the same or a newer release.`,
    );
  }
  if (compareHanaVersions(t, s) < 0)
    return fail(
      'version',
      VERSION_TITLE,
      `target ${f.targetSid} runs HANA ${describeHanaVersion(t)}, older than source ${f.sourceSid} ` +
        `${describeHanaVersion(s)}; HANA cannot recover backups of a newer release`,
      `Upgrade ${f.targetSid} to ${s.text} or later (hdblcm), or provision onto a system at ${s.text} or later.`,
    );
  return pass('version', VERSION_TITLE, `target ${f.targetSid} ${t.text} >= source ${f.sourceSid} ${s.text}`);
}

export interface CatalogBackintFacts {
  sourceSid: string;
  /** Effective global.ini [backup] catalog_backup_using_backint on the source; null when no layer sets it. */
  value: string | null;
  unreadable?: string;
}

const CATALOG_TITLE = 'source writes its backup catalog to Backint';

export function checkCatalogBackint(f: CatalogBackintFacts): PreflightCheck {
  const set = setBackupParameter('catalog_backup_using_backint', 'true');
  if (f.unreadable !== undefined)
    return unknown(
      'catalog-backint',
      CATALOG_TITLE,
      `global.ini of ${f.sourceSid} could not be read: ${f.unreadable}`,
      `Check on ${f.sourceSid}'s SYSTEMDB that catalog_backup_using_backint is true (${set}).`,
    );
  if ((f.value ?? '').trim().toLowerCase() === 'true')
    return pass('catalog-backint', CATALOG_TITLE, `${f.sourceSid}: catalog_backup_using_backint = true`);
  return fail(
    'catalog-backint',
    CATALOG_TITLE,
    `global.ini [backup] catalog_backup_using_backint on ${f.sourceSid} is ` +
      `${f.value === null ? "not set (HANA's default is false)" : `'${f.value}'`}: RECOVER ... USING CATALOG BACKINT ` +
      `finds no catalog of ${f.sourceSid} in the Backint tool`,
    `On ${f.sourceSid}'s SYSTEMDB run ${set}, then take a log or data backup (HANA writes a catalog backup after it) ` +
      'and a new dSource snapshot.',
  );
}

export interface BackintFilesFacts {
  targetSid: string;
  /** The VDB's backintParameterFile, null when the VDB leaves it to global.ini. */
  vdbFile: string | null;
  /** Effective global.ini [backup] values on the target (null = not set). */
  data: string | null;
  log: string | null;
  catalog: string | null;
  unreadable?: string;
}

const FILES_TITLE = "target's Backint parameter files are the VDB's";

/** The check, and the parameter file the recovery and the coverage check use (the VDB's, or the derived one). */
export function checkBackintFiles(f: BackintFilesFacts): { check: PreflightCheck; parameterFile: string | null } {
  const keys = { data_backup_parameter_file: f.data, log_backup_parameter_file: f.log, catalog_backup_parameter_file: f.catalog };
  if (f.unreadable !== undefined)
    return {
      check: unknown(
        'backint-parameter-files',
        FILES_TITLE,
        `global.ini of ${f.targetSid} could not be read: ${f.unreadable}`,
        `Check that global.ini [backup] on ${f.targetSid} names ${f.vdbFile ?? 'the Backint parameter file'}.`,
      ),
      parameterFile: f.vdbFile,
    };
  const named = Object.entries(keys).filter((e): e is [string, string] => e[1] !== null && e[1] !== '');
  const listed = named.map(([k, v]) => `${k} = ${v}`).join(', ');
  // HANA reads data and log backups with these two; the catalog file, when set, must agree too.
  const needed = ['data_backup_parameter_file', 'log_backup_parameter_file'].filter((k) => !keys[k as keyof typeof keys]);
  const distinct = [...new Set(named.map(([, v]) => v))];
  const want = f.vdbFile ?? (distinct.length === 1 ? distinct[0]! : null);
  const wrong = want === null ? named : named.filter(([, v]) => v !== want);
  if (want !== null && needed.length === 0 && wrong.length === 0)
    return {
      check: pass(
        'backint-parameter-files',
        FILES_TITLE,
        `${f.targetSid} reads backups with ${want}${f.vdbFile ? '' : ' (taken from global.ini: the VDB names none)'}`,
      ),
      parameterFile: want,
    };
  const found =
    named.length === 0
      ? `global.ini [backup] of ${f.targetSid} names no Backint parameter file`
      : `global.ini [backup] of ${f.targetSid} has ${listed}` +
        (needed.length ? ` (${needed.join(' and ')} not set)` : '') +
        (f.vdbFile ? `, the VDB names ${f.vdbFile}` : ', and they differ');
  const target = want ?? '<file>';
  const fix =
    `On ${f.targetSid}'s SYSTEMDB run ` +
    [...needed, ...wrong.map(([k]) => k)].map((k) => setBackupParameter(k, target)).join(' and ') +
    (f.vdbFile && distinct.length === 1 && needed.length === 0
      ? `, or set the VDB's backintParameterFile to ${distinct[0]}`
      : f.vdbFile
        ? ''
        : ", or name the file in the VDB's backintParameterFile") +
    ': HANA must read the backups with the same settings as the coverage check.';
  return { check: fail('backint-parameter-files', FILES_TITLE, found, fix), parameterFile: f.vdbFile };
}

export interface UserstoreFacts {
  host: string;
  /** The OS user the commands run as (`id -un` on the target host). */
  sessionUser: string | null;
  /** The repository's OS user (<sid>adm on real systems). */
  osUser: string;
  /** Every key the recovery uses, what it must point at, and whether the session user sees it. */
  keys: Array<{ key: string; pointsAt: string; address: string; visible: boolean }>;
}

const USERSTORE_TITLE = 'hdbuserstore keys visible to the OS user';

export function checkUserstore(f: UserstoreFacts): PreflightCheck {
  const who = f.sessionUser ?? 'the SSH user';
  const missing = f.keys.filter((k) => !k.visible);
  if (missing.length === 0)
    return pass('userstore', USERSTORE_TITLE, `${f.keys.map((k) => k.key).join(', ')} visible to OS user ${who}`);
  const names = missing.map((k) => `${k.key} (${k.pointsAt})`).join(', ');
  const sets = missing.map((k) => `hdbuserstore SET ${k.key} ${k.address} <database user> <password>`).join('; ');
  if (f.sessionUser !== null && f.sessionUser !== f.osUser)
    return fail(
      'userstore',
      USERSTORE_TITLE,
      `the commands run as OS user ${f.sessionUser} on ${f.host}, who does not see hdbuserstore key ${names}; ` +
        `keys belong to one OS user, and this system's is ${f.osUser}`,
      `Connect the environment as ${f.osUser} (hana-vdb env add ... --user ${f.osUser}), whose keys these are, or ` +
        `create them for ${f.sessionUser}: as ${f.sessionUser} on ${f.host} run ${sets}.`,
    );
  return fail(
    'userstore',
    USERSTORE_TITLE,
    `hdbuserstore key ${names} does not exist for OS user ${who} on ${f.host}`,
    `As ${who} on ${f.host} run ${sets} (hdbuserstore LIST shows the existing keys), or name an existing key in the ` +
      'VDB parameters.',
  );
}

export interface ReplicationFacts {
  targetSid: string;
  /** One row per secondary the target replicates to (empty: not an SR primary); null when unreadable. */
  secondaries: Array<{ site: string; status: string; connected: boolean }> | null;
  unreadable?: string;
}

const SR_TITLE = 'target is not an SR primary with a missing secondary';

export function checkReplication(f: ReplicationFacts): PreflightCheck {
  if (f.secondaries === null)
    return unknown(
      'system-replication',
      SR_TITLE,
      `the system replication state of ${f.targetSid} could not be read: ${f.unreadable ?? 'no answer'}`,
      `Check with hdbnsutil -sr_state on ${f.targetSid} that every secondary is connected.`,
    );
  if (f.secondaries.length === 0) return pass('system-replication', SR_TITLE, `${f.targetSid} is not a system replication primary`);
  const down = f.secondaries.filter((s) => !s.connected);
  const all = f.secondaries.map((s) => `${s.site} ${s.status}`).join(', ');
  if (down.length === 0) return pass('system-replication', SR_TITLE, `${f.targetSid} replicates to ${all}`);
  return fail(
    'system-replication',
    SR_TITLE,
    `${f.targetSid} is a system replication primary and its secondary ${down.map((s) => `${s.site} is ${s.status}`).join(', ')}: ` +
      'HANA fails the recovery when it cannot send the restored root key to the secondary ([301102] exception 301153)',
    `Start the secondary and let it connect (hdbnsutil -sr_state on both sites), or unregister it on ${f.targetSid} ` +
      `(hdbnsutil -sr_unregister --name=${down[0]!.site}) for an urgent recovery, then retry.`,
  );
}

export interface EncryptionFacts {
  sourceSid: string;
  sourceTenant: string;
  targetSid: string;
  targetTenant: string;
  /** Source's M_ENCRYPTION_OVERVIEW BACKUP scope; null when unreadable (reason in `unreadable`). */
  sourceEncrypted: boolean | null;
  /** ROOT_KEY_HASH of the source tenant's backup root key in use (null: none listed). */
  sourceKeyHash: string | null;
  /** Backup root key hashes the target holds for the target tenant (imported) or as its own. */
  targetKeyHashes: readonly string[] | null;
  unreadable?: string;
}

const ENCRYPTION_TITLE = "source's backup root keys present on the target";

export function checkEncryptionRootKeys(f: EncryptionFacts): PreflightCheck {
  const id = 'encryption-root-keys';
  if (f.sourceEncrypted === false) return pass(id, ENCRYPTION_TITLE, `backups of ${f.sourceSid} are not encrypted`);
  if (f.sourceEncrypted === null || f.targetKeyHashes === null || (f.sourceKeyHash === null && f.unreadable))
    return unknown(
      id,
      ENCRYPTION_TITLE,
      `backup encryption of ${f.sourceSid} or the target's root keys could not be read: ${f.unreadable ?? 'no answer'}`,
      `Check SELECT SCOPE, IS_ENCRYPTION_ACTIVE FROM SYS.M_ENCRYPTION_OVERVIEW on ${f.sourceSid} and ` +
        `SYS.ENCRYPTION_ROOT_KEYS on ${f.targetSid}.`,
    );
  if (f.sourceSid === f.targetSid || (f.sourceKeyHash !== null && f.targetKeyHashes.includes(f.sourceKeyHash)))
    return pass(id, ENCRYPTION_TITLE, `backups of ${f.sourceSid} are encrypted and ${f.targetSid} holds their root key`);
  const file = `/usr/sap/${f.sourceSid}/HDB<nr>/backup/sec/DB_${f.sourceTenant}/<name>_rootkeys`;
  return fail(
    id,
    ENCRYPTION_TITLE,
    `backups of ${f.sourceTenant}@${f.sourceSid} are encrypted (M_ENCRYPTION_OVERVIEW BACKUP active) and ${f.targetSid} does ` +
      `not hold their backup root key${f.sourceKeyHash ? ` (ROOT_KEY_HASH ${f.sourceKeyHash})` : ''} for ${f.targetTenant}: ` +
      'HANA would stop the tenant and then fail the recovery',
    `On ${f.sourceSid}'s SYSTEMDB run ALTER DATABASE ${f.sourceTenant} SET ENCRYPTION ROOT KEYS BACKUP PASSWORD '<password>' ` +
      `and BACKUP ENCRYPTION ROOT KEYS FOR ${f.sourceTenant} USING FILE ('<name>'); copy ${file} to the target host and ` +
      `there, as the system's OS user, run hdbnsutil -recoverRootKeys <file> --database_name=${f.targetTenant} --type=ALL ` +
      '(it asks for the password), then retry.',
  );
}
