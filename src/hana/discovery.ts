/**
 * Discovery of HANA installations from the host layout: every
 * ${HANA_VDB_USR_SAP:-/usr/sap}/<SID>/HDB<nr>/ with an exe/hdbsql, its <host>/trace directory, the server version
 * (exe/manifest's fullversion; `hdbsql -v` prints the CLIENT's version, used only without a manifest), the owner of
 * the instance directory, and the tenants.
 *
 * Tenants come from the trace directory's DB_<TENANT> folders, which HANA creates for every tenant: discovery in
 * Delphix has no database credentials (the hdbuserstore key is a dSource/VDB parameter), so M_DATABASES cannot be
 * asked here. A tenant dropped long ago may leave its folder behind; linking or provisioning checks the tenant
 * against M_DATABASES and says so clearly.
 */
import { UserError } from '../sdk/errors.js';
import { runRemote } from './remote/run.js';
import type { RemoteConnection } from '../sdk/platform.js';
import {
  joinPath,
  parseAbsolutePath,
  parseHostName,
  parseInstanceNumber,
  parseSid,
  parseTenantName,
  type AbsolutePath,
  type HostName,
  type InstanceNumber,
  type Sid,
  type TenantName,
} from './identifiers.js';

export const DISCOVERY_SCRIPT = `set -u
base="\${HANA_VDB_USR_SAP:-/usr/sap}"
printf 'H\\t%s\\n' "$(hostname 2>/dev/null || uname -n)"
for inst in "$base"/*/HDB[0-9][0-9]; do
  [ -d "$inst" ] || continue
  sid=$(basename -- "$(dirname -- "$inst")"); nr="\${inst##*/HDB}"
  if [ ! -x "$inst/exe/hdbsql" ]; then printf 'X\\t%s\\t%s\\t%s\\n' "$sid" "$nr" "no executable $inst/exe/hdbsql"; continue; fi
  ver=$(sed -n 's/^fullversion: */fullversion: /p' "$inst/exe/manifest" 2>/dev/null | head -n 1)
  [ -n "$ver" ] || ver=$("$inst/exe/hdbsql" -v 2>&1 | head -n 1)
  owner=$(stat -c %U -- "$inst")
  for tr in "$inst"/*/trace; do
    [ -d "$tr" ] || continue
    host=$(basename -- "$(dirname -- "$tr")")
    printf 'R\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$sid" "$nr" "$host" "$inst" "$owner" "$ver"
    for t in "$tr"/DB_*; do [ -d "$t" ] && printf 'T\\t%s\\t%s\\t%s\\t%s\\n' "$sid" "$nr" "$host" "\${t##*/DB_}"; done
  done
done
exit 0`;

export interface DiscoveredInstallation {
  sid: Sid;
  instanceNumber: InstanceNumber;
  hostName: HostName;
  installationPath: AbsolutePath;
  version: string;
  hdbsqlPath: AbsolutePath;
  hdbuserstorePath: AbsolutePath;
  traceDirectory: AbsolutePath;
  osUser: string;
  tenants: TenantName[];
}

export interface DiscoveryResult {
  installations: DiscoveredInstallation[];
  /** What was skipped and why (an unreadable install is reported, not silently dropped). */
  skipped: string[];
}

/** exe/manifest's `fullversion: 2.00.076.00.1705400033 ...` (the server); `hdbsql -v` only for a host without one. */
const VERSION = /version:?\s+(\d+(?:\.\d+){1,5})/i;
const OS_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export function parseDiscoveryOutput(stdout: string): DiscoveryResult {
  const skipped: string[] = [];
  let hostname = '';
  const byKey = new Map<string, DiscoveredInstallation[]>();
  const tenantsOf = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'H') hostname = (f[1] ?? '').trim();
    else if (f[0] === 'X') skipped.push(`${f[1]} HDB${f[2]}: ${f[3]}`);
    else if (f[0] === 'T' && f.length === 5) {
      const k = `${f[1]}|${f[2]}|${f[3]}`;
      tenantsOf.set(k, [...(tenantsOf.get(k) ?? []), f[4]!]);
    } else if (f[0] === 'R' && f.length === 7) {
      const [, sid, nr, host, inst, owner, ver] = f as [string, string, string, string, string, string, string];
      try {
        const v = VERSION.exec(ver);
        if (!v)
          throw new UserError(
            `hdbsql -v printed no version: ${JSON.stringify(ver.slice(0, 200))}`,
            'Check that the hdbsql of this installation runs for its owner.',
          );
        if (!OS_USER.test(owner))
          throw new UserError(
            `the owner ${JSON.stringify(owner)} of ${inst} is not a usable OS user name`,
            'Give the instance directory to the <sid>adm user.',
          );
        const installationPath = parseAbsolutePath(inst, 'installationPath');
        const hostName = parseHostName(host, 'hostName');
        const d: DiscoveredInstallation = {
          sid: parseSid(sid, 'sid'),
          instanceNumber: parseInstanceNumber(nr, 'instanceNumber'),
          hostName,
          installationPath,
          version: v[1]!,
          hdbsqlPath: joinPath(installationPath, 'exe', 'hdbsql'),
          hdbuserstorePath: joinPath(installationPath, 'exe', 'hdbuserstore'),
          traceDirectory: joinPath(installationPath, hostName, 'trace'),
          osUser: owner,
          tenants: [],
        };
        const k = `${sid}|${nr}`;
        byKey.set(k, [...(byKey.get(k) ?? []), d]);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        skipped.push(`${sid} HDB${nr} on ${host}: ${e.message}`);
      }
    }
  }
  const installations: DiscoveredInstallation[] = [];
  for (const candidates of byKey.values()) {
    // Several <host> directories (a renamed host, scale-out leftovers): prefer this host's own.
    const d =
      candidates.find((c) => c.hostName === hostname || hostname.startsWith(`${c.hostName}.`)) ??
      [...candidates].sort((a, b) => a.hostName.localeCompare(b.hostName))[0]!;
    for (const t of tenantsOf.get(`${d.sid}|${d.instanceNumber}|${d.hostName}`) ?? []) {
      try {
        d.tenants.push(parseTenantName(t, 'tenant'));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        skipped.push(`${d.sid} trace folder DB_${t}: ${e.message}`);
      }
    }
    d.tenants.sort();
    installations.push(d);
  }
  installations.sort((a, b) => `${a.sid}${a.instanceNumber}`.localeCompare(`${b.sid}${b.instanceNumber}`));
  return { installations, skipped };
}

export async function discoverInstallations(connection: RemoteConnection): Promise<DiscoveryResult> {
  const res = await runRemote(connection, DISCOVERY_SCRIPT, {}, { check: true });
  return parseDiscoveryOutput(res.stdout);
}
