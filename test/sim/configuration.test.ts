/**
 * What a system is configured as: global.ini is a real file per system (SYS.M_INIFILE_CONTENTS reads it, ALTER SYSTEM
 * ALTER CONFIGURATION writes it, HANA's Backint calls take their parameter file from it); server and client versions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startLandscape, type Landscape, type LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { normalizeSpec } from '../../tools/hana-sim/spec.js';
import { exec, query, requireBuild, run } from './helpers.js';

jest.setTimeout(120_000);

let dir: string;
let l: Landscape;
let prd: LandscapeSystem;
const INI_SQL =
  "SELECT KEY, VALUE FROM SYS.M_INIFILE_CONTENTS WHERE FILE_NAME = 'global.ini' AND LAYER_NAME = 'SYSTEM' " +
  "AND SECTION = 'backup' ORDER BY KEY";

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-sim-ini-'));
  l = await startLandscape({ root: join(dir, 'sim'), ssh: false, clock: { driven: true, startAt: '2024-03-01T10:00:00Z' } });
  prd = l.systems[0]!;
});

afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function backupSection(key = 'PRD_RECOVERY'): Promise<Record<string, string>> {
  return Object.fromEntries((await query(prd, key, INI_SQL)).map((r) => [r[0]!, r[1]!]));
}

test('the default global.ini names the Backint parameter files and sends logs and catalog to Backint', async () => {
  const text = readFileSync(prd.paths.globalIni, 'utf8');
  expect(text).toMatch(/^\[backup\]$/m);
  expect(text).toContain(`catalog_backup_parameter_file = ${prd.backintParameterFile}`);
  const ini = await backupSection();
  expect(ini).toMatchObject({
    data_backup_parameter_file: prd.backintParameterFile,
    log_backup_parameter_file: prd.backintParameterFile,
    catalog_backup_parameter_file: prd.backintParameterFile,
    log_backup_using_backint: 'true',
    catalog_backup_using_backint: 'true',
  });
  // The tenant sees the system layer too.
  expect(await query(prd, 'PRD_ERP', INI_SQL)).toContainEqual(['catalog_backup_using_backint', 'true']);
});

test('M_INIFILE_CONTENTS reads the file as it is now', async () => {
  const before = readFileSync(prd.paths.globalIni, 'utf8');
  writeFileSync(prd.paths.globalIni, before + '\n[persistence]\nlog_mode = normal\n');
  const rows = await query(
    prd,
    'PRD_RECOVERY',
    "SELECT SECTION, KEY, VALUE FROM SYS.M_INIFILE_CONTENTS WHERE FILE_NAME = 'global.ini' AND SECTION = 'persistence'",
  );
  expect(rows).toEqual([['persistence', 'log_mode', 'normal']]);
  writeFileSync(prd.paths.globalIni, before);
});

test('ALTER SYSTEM ALTER CONFIGURATION SET and UNSET change the file; privileges and layers are checked', async () => {
  const set = await exec(
    prd,
    'PRD_SYSTEM',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = 'false', " +
      "('backup', 'log_backup_timeout_s') = '300' WITH RECONFIGURE",
  );
  expect(set.stderr).toBe('');
  expect(readFileSync(prd.paths.globalIni, 'utf8')).toMatch(/^catalog_backup_using_backint = false$/m);
  expect(await backupSection()).toMatchObject({ catalog_backup_using_backint: 'false', log_backup_timeout_s: '300' });

  const unset = await exec(
    prd,
    'PRD_SYSTEM',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') UNSET ('backup', 'catalog_backup_using_backint') WITH RECONFIGURE",
  );
  expect(unset.stderr).toBe('');
  expect(await backupSection()).not.toHaveProperty('catalog_backup_using_backint');
  expect(readFileSync(prd.paths.globalIni, 'utf8')).not.toContain('catalog_backup_using_backint');

  const noPriv = await exec(
    prd,
    'PRD_RECOVERY',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = 'true'",
  );
  expect(noPriv.stderr).toMatch(/^\* 258: insufficient privilege/);
  const tenant = await exec(
    prd,
    'PRD_ERP',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = 'true'",
  );
  expect(tenant.stderr).toMatch(/^\* 7: feature not supported: changing the SYSTEM layer/);
  await exec(
    prd,
    'PRD_SYSTEM',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = 'true', " +
      "('backup', 'log_backup_timeout_s') = '900' WITH RECONFIGURE",
  );
});

test("Backint is called with global.ini's data_backup_parameter_file", async () => {
  const missing = join(dir, 'no-such-parameter-file.yaml');
  await exec(
    prd,
    'PRD_SYSTEM',
    `ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'data_backup_parameter_file') = '${missing}'`,
  );
  const failed = await exec(prd, 'PRD_RECOVERY', "BACKUP DATA FOR ERP USING BACKINT ('VIA_INI')");
  expect(failed.stderr).toMatch(
    /^\* 447: backup could not be completed: \[110507\] Backint exited with exit code \d+ instead of 0/,
  );
  expect(failed.stderr).toContain(missing);
  await exec(
    prd,
    'PRD_SYSTEM',
    `ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'data_backup_parameter_file') = ` +
      `'${prd.backintParameterFile}'`,
  );
  expect((await exec(prd, 'PRD_RECOVERY', "BACKUP DATA FOR ERP USING BACKINT ('VIA_INI')")).stderr).toBe('');
});

test('hdbsql -v prints the client version; SYS.M_DATABASE the server version of each system', async () => {
  const v = await run(prd.paths.hdbsql, ['-v']);
  expect(v.stdout).toBe('HDBSQL version 2.20.20.1712178305, the SAP HANA Database interactive terminal.\n');
  const qas = l.systems[1]!;
  expect(await query(prd, 'PRD_RECOVERY', 'SELECT VERSION FROM SYS.M_DATABASE')).toEqual([['2.00.070.00.1679989823']]);
  expect(await query(prd, 'PRD_ERP', 'SELECT VERSION FROM SYS.M_DATABASE')).toEqual([['2.00.070.00.1679989823']]);
  expect(await query(qas, 'QAS_RECOVERY', 'SELECT VERSION FROM SYS.M_DATABASE')).toEqual([['2.00.076.00.1705400033']]);
});

test('a landscape can make the target older than the source; malformed versions name the field', () => {
  const spec = normalizeSpec({
    systems: [
      { sid: 'PRD', instance: '00', host: 'hanaprd', utcOffset: '+01:00', tenants: ['ERP'], version: '2.00.076.00.1705400033' },
      { sid: 'QAS', instance: '10', host: 'hanaqas', utcOffset: '+01:00', tenants: ['VDB1'], version: '2.00.059.00.1650000000' },
    ],
  });
  expect(spec.systems.map((s) => s.version)).toEqual(['2.00.076.00.1705400033', '2.00.059.00.1650000000']);
  expect(() =>
    normalizeSpec({ systems: [{ sid: 'PRD', instance: '00', host: 'h', utcOffset: '+01:00', tenants: [], version: '2.0' }] }),
  ).toThrow(/landscape.systems\[0\].version: "2.0" must look like 2.00.076.00.1705400033/);
});
