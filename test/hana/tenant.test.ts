/**
 * Tenant stop and start wait through HANA's intermediate ACTIVE_STATUS values (STOPPING, STARTING) until the
 * tenant is settled. A stand-in hdbsql (bash, run through the engine's local runBash) answers M_DATABASES from a
 * list of statuses and records the statements it was given.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEngineLibs } from '../../src/sdk/libs.js';
import { parseAbsolutePath, parseTenantName, parseUserStoreKey } from '../../src/hana/identifiers.js';
import { startTenantSettled, stopTenant } from '../../src/hana/tenant.js';
import { localLibs, testConnection } from '../support/local-libs.js';

const FAKE_HDBSQL = `#!/bin/bash
sql="\${!#}"
d="$(dirname "$0")"
echo "$sql" >> "$d/calls"
case "$sql" in
  SELECT*)
    s=$(head -n 1 "$d/states")
    [ "$(wc -l < "$d/states")" -gt 1 ] && sed -i 1d "$d/states"
    echo "\\"VDB1\\",\\"$s\\"";;
esac
`;

describe('tenant stop and start wait until ACTIVE_STATUS is settled', () => {
  let dir: string;
  const conn = testConnection();
  const libs = localLibs();
  const tenant = parseTenantName('VDB1');
  const ctx = { doing: 'testing', key: 'QAS_RECOVERY', tenant: 'VDB1' };
  const target = () => ({ hdbsqlPath: parseAbsolutePath(join(dir, 'hdbsql')), key: parseUserStoreKey('QAS_RECOVERY') });
  const statuses = (...s: string[]) => writeFileSync(join(dir, 'states'), `${s.join('\n')}\n`);
  const calls = () =>
    readFileSync(join(dir, 'calls'), 'utf8')
      .trim()
      .split('\n')
      .map((c) => (c.startsWith('SELECT') ? 'status' : c));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-tenant-'));
    writeFileSync(join(dir, 'hdbsql'), FAKE_HDBSQL);
    chmodSync(join(dir, 'hdbsql'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('stop returns only once STOPPING became NO', async () => {
    statuses('YES', 'STOPPING', 'STOPPING', 'NO');
    const before = await withEngineLibs(libs, () => stopTenant(conn, target(), tenant, ctx, { firstPauseMs: 10 }));
    expect(before).toBe('YES');
    expect(calls()).toEqual(['status', 'ALTER SYSTEM STOP DATABASE VDB1', 'status', 'status', 'status']);
  });

  test('a tenant already STOPPING is not stopped again; it is waited for', async () => {
    statuses('STOPPING', 'NO');
    await withEngineLibs(libs, () => stopTenant(conn, target(), tenant, ctx, { firstPauseMs: 10 }));
    expect(calls()).toEqual(['status', 'status']);
  });

  test('start waits through STARTING and reports the settled status', async () => {
    statuses('NO', 'STARTING', 'YES');
    const r = await withEngineLibs(libs, () => startTenantSettled(conn, target(), tenant, ctx, { firstPauseMs: 10 }));
    expect(r).toEqual({ before: 'NO', after: 'YES' });
    expect(calls()).toEqual(['status', 'ALTER SYSTEM START DATABASE VDB1', 'status', 'status']);
  });

  test('a status that never settles is an error naming it, not a hang', async () => {
    statuses('YES', 'STOPPING');
    await expect(
      withEngineLibs(libs, () => stopTenant(conn, target(), tenant, ctx, { firstPauseMs: 10, timeoutSeconds: 0.2 })),
    ).rejects.toThrow('Tenant VDB1 stayed ACTIVE_STATUS STOPPING for 0.2 s; it is neither running nor stopped.');
  });
});
