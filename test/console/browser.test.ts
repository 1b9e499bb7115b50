/**
 * The console in a real browser (Debian's chromium driven by playwright-core) against the embedded HANA
 * simulator, as a DBA would use it: add the environment, fill the dSource form (a bad value is refused and
 * shown at its field), link, sync, provision, and read the recorded timestamps on the VDB's page.
 * Screenshots of the main pages go to test-artifacts/console/. Requires a prior build (the simulator and
 * the plugin run from dist/). Skips, saying so, only when /usr/bin/chromium is absent.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startConsole, type RunningConsole } from '../../src/engine/console/server.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';
import { startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(repoRoot, 'test-artifacts', 'console');
const built =
  existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js')) && existsSync(join(repoRoot, 'dist/plugin/index.js'));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`SKIPPED console browser test: ${CHROMIUM} is absent (apt-get install -y chromium).`);
}
const JOB_TIMEOUT = 120_000;

(built && haveChromium ? describe : describe.skip)('console in chromium with the simulator', () => {
  let dir: string;
  let land: Landscape;
  let c: RunningConsole;
  let context: BrowserContext;
  let page: Page;
  const browserErrors: string[] = [];

  const advance = async (seconds: number) => {
    for (let left = seconds; left > 0; left -= 300) await land.clock.advance(Math.min(300, left));
  };

  /** On a job page: wait for the job to end, and fail with its log when it did not succeed. */
  const jobSucceeds = async () => {
    await page.waitForURL(/#\/jobs\/\d+$/);
    // (waitForFunction would need eval, which the console's Content-Security-Policy forbids.)
    await page
      .locator('dl.facts .status')
      .filter({ hasText: /^(succeeded|failed|interrupted)$/ })
      .waitFor({ timeout: JOB_TIMEOUT });
    const outcome = await page.locator('dl.facts .status').textContent();
    if (outcome !== 'succeeded') throw new Error(`job ${outcome}: ${await page.locator('main').innerText()}`);
  };

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-console-ui-'));
    mkdirSync(SHOTS, { recursive: true });
    // As the demo's basic scenario: log backups every 15 min reaching the store 10 min late.
    const spec = defaultLandscape();
    spec.backint = { ...spec.backint, logShippingLagSeconds: 600 };
    for (const s of spec.systems) s.logBackupTimeoutS = 900;
    land = await startLandscape({
      root: join(dir, 'sim'),
      landscape: spec,
      clock: { startAt: '2024-05-06T08:00:00Z', driven: true },
    });
    const prd = land.systems[0]!;
    // A marker row every 7 minutes: the last commit before a requested minute is minutes earlier, so the
    // achieved point falls short of the requested one and the timeline has a gap to show.
    await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 420 });
    await advance(600);
    const backup = await execa(
      prd.paths.hdbsql,
      ['-U', 'PRD_SYSTEM', '-a', '-x', '-j', "BACKUP DATA FOR ERP USING BACKINT ('UI_FULL')"],
      { reject: false },
    );
    if (backup.exitCode !== 0) throw new Error(`full backup failed: ${backup.stderr}`);
    await advance(7200);
    c = await startConsole({ dataDir: join(dir, 'engine'), pluginDir: repoRoot, packageRoot: repoRoot, port: 0 });
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => browserErrors.push(String(e)));
    // The refused duplicate link is an expected 400; any other error in the page fails the run.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('status of 400 (Bad Request)')) browserErrors.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await c?.close();
    await land?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test('the printed link opens the console; the token is spent', async () => {
    await page.goto(c.url);
    await page.waitForURL(`${c.origin}/#/environments`.replace('#/environments', ''));
    await page.getByRole('heading', { level: 1, name: 'Environments' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(await page.getByText('No environments yet').count()).toBe(1);
  });

  test(
    'add the environment over SSH; discovery shows both installations and their tenants',
    async () => {
      const ssh = land.ssh!;
      await page.getByRole('link', { name: 'Add environment' }).click();
      await page.getByLabel('Name').fill('hana-hosts');
      await page.getByLabel('Host', { exact: false }).first().fill(ssh.host);
      await page.getByLabel('SSH port').fill(String(ssh.port));
      await page.getByLabel('OS user').fill(ssh.user);
      await page.getByLabel('Private key file').fill(ssh.privateKeyFile);
      await page.getByLabel('Host key fingerprint').fill(ssh.hostKeyFingerprint);
      await page.getByRole('button', { name: 'Add environment and discover' }).click();
      await jobSucceeds();
      await page.getByRole('link', { name: 'environment hana-hosts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Environment hana-hosts' }).waitFor();
      expect(await page.getByRole('heading', { level: 3, name: 'PRD HDB00 2.00.070' }).count()).toBe(1);
      expect(await page.getByRole('heading', { level: 3, name: 'QAS HDB10 2.00.076' }).count()).toBe(1);
      for (const sc of ['ERP@PRD', 'VDB1@QAS', 'VDB2@QAS'])
        expect(await page.getByRole('cell', { name: sc, exact: true }).count()).toBe(1);
      await shot('environment');
    },
    JOB_TIMEOUT,
  );

  test('the dSource form comes from the schema and refuses a bad value at its field', async () => {
    await page.getByRole('link', { name: 'Link dSource from ERP@PRD' }).click();
    await page.getByRole('heading', { level: 1, name: 'Link dSource' }).waitFor();
    // Labels, help and defaults from schema.json; enums as selects.
    const rpo = page.getByLabel('RPO Offset (minutes)');
    expect(await rpo.inputValue()).toBe('0');
    expect(await page.getByLabel('Backup Source').evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await page.getByLabel('Backup Source').inputValue()).toBe('S3_BACKINT');
    expect(await page.getByLabel('Log Coverage Policy').inputValue()).toBe('wait');
    expect(await page.getByText('Whole minutes subtracted from the snapshot time').count()).toBe(1);
    // The tenant of the chosen source config is offered.
    expect(await page.getByLabel('Source Tenant').inputValue()).toBe('ERP');
    // Every property, in the schema's `ordering`, labelled with its prettyName.
    const def = JSON.parse(readFileSync(join(repoRoot, 'schemas/schema.json'), 'utf8')).linkedSourceDefinition;
    const labels = await page.locator('#link-dsource fieldset.schema-form label').allInnerTexts();
    expect(labels.map((l) => l.replace(/ \(required\)$/, ''))).toEqual(
      def.ordering.map((n: string) => def.properties[n].prettyName),
    );

    await page.getByLabel('dSource name').fill('erp');
    await page.getByLabel('Source SYSTEMDB Key').fill('PRD_RECOVERY');
    await page.getByLabel('Backint Parameter File').fill(land.systems[0]!.backintParameterFile);
    await rpo.fill('-5');
    await page.getByLabel('Source Tenant').fill('erp');
    await page.getByRole('button', { name: 'Link and take the first snapshot' }).click();
    await page.getByRole('alert').filter({ hasText: '2 fields to correct' }).waitFor();
    expect(await rpo.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#linked-rpoOffsetMinutes-error').innerText()).toContain('RPO Offset (minutes) must be at least 0.');
    expect(await page.locator('#linked-sourceTenant-error').innerText()).toContain('Use the tenant database name in upper case');
    // The error is announced with the field: aria-describedby points at it.
    expect(await rpo.getAttribute('aria-describedby')).toContain('linked-rpoOffsetMinutes-error');
    await shot('link-form-rejected');
    expect(c.engine.store.dsources()).toEqual([]);
  });

  test(
    'link the dSource: the job is followed live and the snapshot shows origin = taken at − RPO offset',
    async () => {
      await page.getByLabel('Source Tenant').fill('ERP');
      await page.getByLabel('RPO Offset (minutes)').fill('30');
      await page.getByLabel('RPO Offset (minutes)').press('Tab');
      await page.getByRole('button', { name: 'Link and take the first snapshot' }).click();
      await jobSucceeds();
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Job \d+: dsource\.link$/);
      expect(await page.getByRole('cell', { name: /Job \d+ succeeded\./ }).count()).toBe(1);
      await shot('job');
      await page.getByRole('link', { name: 'dsource erp' }).click();
      await page.getByRole('heading', { level: 1, name: 'dSource erp' }).waitFor();
      const snap = c.engine.store.snapshots({ dsourceName: 'erp', kind: 'dsource' })[0]!;
      const taken = Date.parse(String(snap.metadata.takenAt));
      expect(Date.parse(String(snap.metadata.originTimestamp))).toBe(taken - 30 * 60_000);
      const row = page.getByRole('row').filter({ hasText: `Provision VDB from snapshot ${snap.id}` });
      expect(await row.innerText()).toContain(String(snap.metadata.originTimestamp).replace('T', ' '));
      expect(await row.getByRole('cell').nth(3).innerText()).toBe('30');
    },
    JOB_TIMEOUT,
  );

  test('the engine checks again: linking a second dSource named erp is refused with its message', async () => {
    await page.goto(`${c.origin}/#/dsources/new?env=hana-hosts&repo=${encodeURIComponent('PRD HDB00 2.00.070')}&sc=ERP%40PRD`);
    await page.getByRole('heading', { level: 1, name: 'Link dSource' }).waitFor();
    await page.getByLabel('dSource name').fill('erp');
    await page.getByLabel('Source SYSTEMDB Key').fill('PRD_RECOVERY');
    await page.getByLabel('Backint Parameter File').fill(land.systems[0]!.backintParameterFile);
    await page.getByRole('button', { name: 'Link and take the first snapshot' }).click();
    await page.getByRole('alert').filter({ hasText: "A dSource named 'erp' already exists." }).waitFor();
    expect(c.engine.store.dsources().map((d) => d.name)).toEqual(['erp']);
    await page.goto(`${c.origin}/#/dsources/erp`);
    await page.getByRole('heading', { level: 1, name: 'dSource erp' }).waitFor();
  });

  test(
    'sync after an hour of source activity takes a second snapshot',
    async () => {
      await advance(3600);
      await page.getByText('Sync (take a new snapshot)').click();
      expect(await page.getByLabel('Resynchronize').isChecked()).toBe(false);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await jobSucceeds();
      await page.getByRole('link', { name: 'dsource erp' }).click();
      await page.getByRole('heading', { level: 1, name: 'dSource erp' }).waitFor();
      expect(await page.getByRole('link', { name: /^Provision VDB from snapshot/ }).count()).toBe(2);
      await shot('dsource');
    },
    JOB_TIMEOUT,
  );

  test(
    'provision a VDB from the first snapshot and see requested vs achieved on its timeline',
    async () => {
      const first = c.engine.store.snapshots({ dsourceName: 'erp', kind: 'dsource' })[0]!;
      await page.getByRole('link', { name: `Provision VDB from snapshot ${first.id}` }).click();
      await page.getByRole('heading', { level: 1, name: 'Provision VDB' }).waitFor();
      expect(await page.getByLabel('dSource snapshot').inputValue()).toBe(String(first.id));
      await page.getByLabel('VDB name').fill('vdb1');
      await page.getByLabel('Target repository').selectOption('QAS HDB10 2.00.076');
      await page.getByLabel('Target Tenant').fill('VDB1');
      await page.getByLabel('Target SYSTEMDB Key').fill('QAS_RECOVERY');
      await page.getByLabel('Backint Parameter File').fill(land.systems[1]!.backintParameterFile);
      await page.getByLabel('Mount Base').fill(join(dir, 'mnt'));
      await page.getByRole('button', { name: 'Provision' }).click();
      await jobSucceeds();
      // HANA's own progress lines (from backup.log, as the recovery ran) are on the job's page.
      expect(
        await page
          .locator('ol.progress-lines li')
          .filter({ hasText: /recovering: .*volume \d+ \d+%/ })
          .count(),
      ).toBeGreaterThan(0);
      expect(await page.locator('tr.log-debug').first().isVisible()).toBe(false);
      await shot('job-provision');
      await page.getByRole('link', { name: 'vdb vdb1' }).click();
      await page.getByRole('heading', { level: 1, name: 'VDB vdb1' }).waitFor();

      const h = c.engine.store.recoveryHistory('vdb1')[0]!;
      const m = h.metadata!;
      expect(m.recoveryTimestamp).toBe(first.metadata.originTimestamp);
      const shown = (iso: unknown) => String(iso).replace('T', ' ');
      const row = page.getByRole('row').filter({ hasText: `provision (job ${h.jobId})` });
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells[1]).toBe('succeeded');
      expect(cells[2]).toBe(shown(m.executionTimestamp));
      expect(cells[3]).toBe(shown(m.recoveryTimestamp));
      expect(cells[4]).toBe(shown(m.achievedTimestamp));
      expect(cells[6]).toBe(String(m.recoveryInfo));
      // The timeline: an image with requested, achieved and the gap drawn between them.
      const fig = page.locator('figure.timeline').first();
      const svg = fig.locator('svg[role="img"]');
      expect(await svg.count()).toBe(1);
      const desc = await svg.locator('desc').textContent();
      expect(desc).toContain(`Requested ${shown(m.recoveryTimestamp)}`);
      expect(desc).toContain(`achieved ${shown(m.achievedTimestamp)}`);
      const gapSeconds = (Date.parse(String(m.recoveryTimestamp)) - Date.parse(String(m.achievedTimestamp))) / 1000;
      expect(gapSeconds).toBeGreaterThanOrEqual(0);
      const band = await svg.locator('rect.gap').boundingBox();
      const requestedX = await svg.locator('g.requested line').getAttribute('x1');
      const achievedX = await svg.locator('g.achieved line').getAttribute('x1');
      expect(Number(requestedX) - Number(achievedX)).toBeGreaterThanOrEqual(0);
      if (gapSeconds > 0) expect(band!.width).toBeGreaterThan(2);
      await shot('vdb');
    },
    JOB_TIMEOUT,
  );

  test('the jobs page lists every job with its outcome; keyboard reaches the navigation', async () => {
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.getByRole('link', { name: 'Jobs' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    const ops = await page.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(ops).toEqual(['vdb.provision', 'dsource.sync', 'dsource.link', 'environment.add']);
    expect(await page.locator('tbody .status-succeeded').count()).toBe(4);
    await shot('jobs');
    expect(browserErrors).toEqual([]);
  });

  test(
    'delete asks for the name first: cancel keeps the VDB, confirming runs the delete job',
    async () => {
      await page.goto(`${c.origin}/#/vdbs/vdb1`);
      await page.getByRole('heading', { level: 1, name: 'VDB vdb1' }).waitFor();
      await page.getByRole('button', { name: 'Delete…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete vdb1?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await dialog.isVisible()).toBe(false);
      expect(c.engine.store.vdb('vdb1')).toBeDefined();
      await page.getByRole('button', { name: 'Delete…' }).click();
      await dialog.getByLabel('Type vdb1 to confirm').fill('vdb1');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await jobSucceeds();
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Job \d+: vdb\.delete$/);
      expect(c.engine.store.vdb('vdb1')).toBeUndefined();
    },
    JOB_TIMEOUT,
  );
});
