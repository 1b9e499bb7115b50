/**
 * The console in a real browser (Debian's chromium driven by playwright-core) against the embedded HANA
 * simulator, as a DBA would use it: add an environment, fill the dSource form (a bad value is refused and shown
 * at its field), link, sync, provision, read the recorded timestamps on the VDB's page, and refresh, rewind,
 * stop, start and delete a VDB, each after the confirmation the page asks for, following the job to its end.
 *
 * One landscape, one console and one browser serve the file. Tests do not depend on each other's order: each
 * opens its own page at its own URL and gets what it needs (the environment, the dSource, a VDB) from memoized
 * steps that run at most once, whichever test asks first. Screenshots of the main pages go to
 * test-artifacts/console/. Requires a prior build (the simulator and the plugin run from dist/). Skips, saying
 * so, only when /usr/bin/chromium is absent.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startConsole, type RunningConsole } from '../../src/engine/console/server.js';
import { addEnvironment } from '../../src/engine/workflows/environment.js';
import { linkDSource } from '../../src/engine/workflows/dsource.js';
import { checkDSource } from '../../src/engine/workflows/dsource-check.js';
import { provisionVdb, startVdb, stopVdb } from '../../src/engine/workflows/vdb.js';
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
const JOB_TIMEOUT = 240_000;
/** A test may first run the steps it needs (the landscape, a provision): on a loaded machine these take minutes. */
const TEST_TIMEOUT = 600_000;
const PRD_REPO = 'PRD HDB00 2.00.070';
const QAS_REPO = 'QAS HDB10 2.00.076';

(built && haveChromium ? describe : describe.skip)('console in chromium with the simulator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hana-vdb-console-ui-'));
  const opened: { page: Page; errors: string[] }[] = [];
  let land: Landscape | undefined;
  let c: RunningConsole | undefined;
  let browser: Browser | undefined;

  const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
    let result: Promise<T> | undefined;
    return () => (result ??= step());
  };

  const advance = async (seconds: number) => {
    for (let left = seconds; left > 0; left -= 300) await land!.clock.advance(Math.min(300, left));
  };

  /** As the demo's basic scenario: log backups every 15 min reaching the store 10 min late. */
  const landscape = once(async () => {
    const spec = defaultLandscape();
    spec.backint = { ...spec.backint, logShippingLagSeconds: 600 };
    for (const s of spec.systems) s.logBackupTimeoutS = 900;
    land = await startLandscape({
      root: join(dir, 'sim'),
      landscape: spec,
      clock: { startAt: '2024-05-06T08:00:00Z', driven: true },
    });
    // Stopping and starting a tenant is the subject of no test here: at once.
    await land.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
    // A marker row every 7 minutes: the last commit before a requested minute is minutes earlier, so the
    // achieved point falls short of the requested one and the timeline has a gap to show.
    await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 420 });
    await advance(600);
    const backup = await execa(
      land.systems[0]!.paths.hdbsql,
      ['-U', 'PRD_SYSTEM', '-a', '-x', '-j', "BACKUP DATA FOR ERP USING BACKINT ('UI_FULL')"],
      { reject: false },
    );
    if (backup.exitCode !== 0) throw new Error(`full backup failed: ${backup.stderr}`);
    // 40 minutes of log backups: the snapshots (origin = now − 30 min) lie after the data backup, and every
    // recovery restores only the few log backups it needs (each one an agent run).
    await advance(2400);
    return land;
  });

  const consoleUp = once(async () => {
    await landscape();
    c = await startConsole({ dataDir: join(dir, 'engine'), pluginDir: repoRoot, packageRoot: repoRoot, port: 0 });
    return c;
  });

  const launch = once(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    });
    return browser;
  });

  const newContext = async () => (await launch()).newContext({ viewport: { width: 1280, height: 800 } });

  /** A browser context holding a console session: the printed link opened once. */
  const session = once(async (): Promise<BrowserContext> => {
    const con = await consoleUp();
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(con.url);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.close();
    return context;
  });

  /** A page of its own at `hash`; errors in it fail the test (a refused link is an expected 400). */
  const open = async (hash: string, context?: BrowserContext): Promise<Page> => {
    const page = await (context ?? (await session())).newPage();
    const errors: string[] = [];
    opened.push({ page, errors });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('status of 400 (Bad Request)')) errors.push(m.text());
    });
    await page.goto(`${c!.origin}/${hash}`);
    return page;
  };

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  /** On a job page: wait for the job to end, and fail with its page text when it did not succeed. */
  const jobSucceeds = async (page: Page) => {
    await page.waitForURL(/#\/jobs\/\d+$/);
    // (waitForFunction would need eval, which the console's Content-Security-Policy forbids.)
    await page
      .locator('dl.facts .status')
      .filter({ hasText: /^(succeeded|failed|interrupted)$/ })
      .waitFor({ timeout: JOB_TIMEOUT });
    const outcome = await page.locator('dl.facts .status').textContent();
    if (outcome !== 'succeeded') throw new Error(`job ${outcome}: ${await page.locator('main').innerText()}`);
    return Number(/#\/jobs\/(\d+)$/.exec(page.url())![1]);
  };

  const environment = once(async () => {
    const con = await consoleUp();
    const ssh = land!.ssh!;
    await addEnvironment(con.engine, {
      name: 'sim',
      address: ssh.host,
      port: ssh.port,
      hostKeyFingerprint: ssh.hostKeyFingerprint,
      knownHostsFile: null,
      acceptNew: false,
      user: { name: ssh.user, authKind: 'key', keyFile: ssh.privateKeyFile, passwordEnv: null },
    });
    return 'sim';
  });

  /** The dSource 'erp' (RPO offset 30 minutes) with its first snapshot. */
  const dsource = once(async () => {
    const env = await environment();
    const engine = c!.engine;
    const schema = (await engine.plugin()).schema;
    const parameters = schema.withDefaults('linkedSourceDefinition', {
      sourceTenant: 'ERP',
      sourceUserStoreKey: 'PRD_RECOVERY',
      backintParameterFile: land!.systems[0]!.backintParameterFile,
      rpoOffsetMinutes: 30,
    });
    const { snapshot } = await linkDSource(engine, {
      name: 'erp',
      environment: env,
      repository: PRD_REPO,
      sourceConfig: 'ERP@PRD',
      parameters,
    });
    return snapshot.id;
  });

  const provision = async (name: string, tenant: string) => {
    const snapshotId = await dsource();
    const engine = c!.engine;
    const schema = (await engine.plugin()).schema;
    const parameters = schema.withDefaults('virtualSourceDefinition', {
      targetTenant: tenant,
      targetUserStoreKey: 'QAS_RECOVERY',
      backintParameterFile: land!.systems[1]!.backintParameterFile,
      mountBase: join(dir, 'mnt'),
    });
    await provisionVdb(engine, { name, snapshotId, environment: 'sim', repository: QAS_REPO, parameters });
    return name;
  };

  /** The VDB 'qa' on tenant VDB1: refreshed, rewound, stopped and started by the tests. */
  const vdbQa = once(() => provision('qa', 'VDB1'));
  /** The VDB 'scratch' on tenant VDB3, for the delete test. */
  const vdbScratch = once(() => provision('scratch', 'VDB3'));

  /** The VDB 'qa' in the state a test starts from, whatever the tests before it left. */
  const qaIn = async (wanted: 'active' | 'stopped') => {
    const name = await vdbQa();
    const engine = c!.engine;
    const now = engine.store.vdb(name)!.status;
    if (now !== wanted) await (wanted === 'active' ? startVdb : stopVdb)(engine, name);
    expect(engine.store.vdb(name)!.status).toBe(wanted);
    return name;
  };

  /** The tenant's ACTIVE_STATUS as the target SYSTEMDB tells it. */
  const activeStatus = async (tenant: string) => {
    const r = await execa(land!.systems[1]!.paths.hdbsql, [
      '-U',
      'QAS_SYSTEM',
      '-a',
      '-x',
      '-j',
      `SELECT ACTIVE_STATUS FROM SYS.M_DATABASES WHERE DATABASE_NAME = '${tenant}'`,
    ]);
    return r.stdout.trim().replace(/"/g, '');
  };

  const factOf = (page: Page, term: string) =>
    page.locator('dl.facts dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');

  beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

  afterEach(async () => {
    const pages = opened.splice(0);
    for (const p of pages) await p.page.close();
    expect(pages.flatMap((p) => p.errors)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await land?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test(
    'the printed link opens the console; the token is spent',
    async () => {
      // A console of its own: the shared one's token is spent by the shared session.
      const own = await startConsole({ dataDir: join(dir, 'engine-token'), pluginDir: repoRoot, packageRoot: repoRoot, port: 0 });
      const context = await newContext();
      try {
        const page = await context.newPage();
        await page.goto(own.url);
        await page.waitForURL(`${own.origin}/`);
        await page.getByRole('heading', { level: 1, name: 'Environments' }).waitFor();
        expect(page.url()).not.toContain('token');
        expect(await page.getByText('No environments yet').count()).toBe(1);
        const again = await (await newContext()).newPage();
        const answer = await again.goto(own.url);
        expect(answer!.status()).toBe(403);
        await again.context().close();
      } finally {
        await context.close();
        await own.close();
      }
    },
    TEST_TIMEOUT,
  );

  test(
    'add an environment over SSH; discovery shows both installations and their tenants',
    async () => {
      await consoleUp();
      const ssh = land!.ssh!;
      const page = await open('#/environments');
      await page.getByRole('link', { name: 'Add environment' }).click();
      await page.getByLabel('Name').fill('hana-hosts');
      await page.getByLabel('Host', { exact: false }).first().fill(ssh.host);
      await page.getByLabel('SSH port').fill(String(ssh.port));
      await page.getByLabel('OS user').fill(ssh.user);
      await page.getByLabel('Private key file').fill(ssh.privateKeyFile);
      await page.getByLabel('Host key fingerprint').fill(ssh.hostKeyFingerprint);
      await page.getByRole('button', { name: 'Add environment and discover' }).click();
      await jobSucceeds(page);
      await page.getByRole('link', { name: 'environment hana-hosts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Environment hana-hosts' }).waitFor();
      expect(await page.getByRole('heading', { level: 3, name: PRD_REPO }).count()).toBe(1);
      expect(await page.getByRole('heading', { level: 3, name: QAS_REPO }).count()).toBe(1);
      for (const sc of ['ERP@PRD', 'VDB1@QAS', 'VDB2@QAS', 'VDB3@QAS'])
        expect(await page.getByRole('cell', { name: sc, exact: true }).count()).toBe(1);
      await shot(page, 'environment');
    },
    TEST_TIMEOUT,
  );

  /** The link form of ERP@PRD, opened from the environment's page. */
  const linkForm = async () => {
    const env = await environment();
    const page = await open(`#/environments/${env}`);
    await page.getByRole('link', { name: 'Link dSource from ERP@PRD' }).click();
    await page.getByRole('heading', { level: 1, name: 'Link dSource' }).waitFor();
    return page;
  };

  test(
    'the dSource form comes from the schema and refuses a bad value at its field',
    async () => {
      const page = await linkForm();
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
      const before = c!.engine.store.dsources().length;
      await page.getByLabel('dSource name').fill('erp-rejected');
      await page.getByLabel('Source SYSTEMDB Key').fill('PRD_RECOVERY');
      await page.getByLabel('Backint Parameter File').fill(land!.systems[0]!.backintParameterFile);
      await rpo.fill('-5');
      await page.getByLabel('Source Tenant').fill('erp');
      await page.getByRole('button', { name: 'Link and take the first snapshot' }).click();
      await page.getByRole('alert').filter({ hasText: '2 fields to correct' }).waitFor();
      expect(await rpo.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#linked-rpoOffsetMinutes-error').innerText()).toContain(
        'RPO Offset (minutes) must be at least 0.',
      );
      expect(await page.locator('#linked-sourceTenant-error').innerText()).toContain('Use the tenant database name in upper case');
      // The error is announced with the field: aria-describedby points at it.
      expect(await rpo.getAttribute('aria-describedby')).toContain('linked-rpoOffsetMinutes-error');
      await shot(page, 'link-form-rejected');
      expect(c!.engine.store.dsources()).toHaveLength(before);
    },
    TEST_TIMEOUT,
  );

  test(
    'link a dSource: the job is followed live and the snapshot shows origin = taken at − RPO offset',
    async () => {
      const page = await linkForm();
      await page.getByLabel('dSource name').fill('erp-ui');
      await page.getByLabel('Source SYSTEMDB Key').fill('PRD_RECOVERY');
      await page.getByLabel('Backint Parameter File').fill(land!.systems[0]!.backintParameterFile);
      await page.getByLabel('RPO Offset (minutes)').fill('30');
      await page.getByLabel('RPO Offset (minutes)').press('Tab');
      await page.getByRole('button', { name: 'Link and take the first snapshot' }).click();
      await jobSucceeds(page);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Job \d+: dsource\.link$/);
      expect(await page.getByRole('cell', { name: /Job \d+ succeeded\./ }).count()).toBe(1);
      await shot(page, 'job');
      await page.getByRole('link', { name: 'dsource erp-ui' }).click();
      await page.getByRole('heading', { level: 1, name: 'dSource erp-ui' }).waitFor();
      const snap = c!.engine.store.snapshots({ dsourceName: 'erp-ui', kind: 'dsource' })[0]!;
      const taken = Date.parse(String(snap.metadata.takenAt));
      expect(Date.parse(String(snap.metadata.originTimestamp))).toBe(taken - 30 * 60_000);
      const row = page.getByRole('row').filter({ hasText: `Provision VDB from snapshot ${snap.id}` });
      expect(await row.innerText()).toContain(String(snap.metadata.originTimestamp).replace('T', ' '));
      expect(await row.getByRole('cell').nth(3).innerText()).toBe('30');
    },
    TEST_TIMEOUT,
  );

  test(
    'the engine checks again: linking a second dSource named erp is refused with its message',
    async () => {
      await dsource();
      const page = await open(`#/dsources/new?env=sim&repo=${encodeURIComponent(PRD_REPO)}&sc=ERP%40PRD`);
      await page.getByRole('heading', { level: 1, name: 'Link dSource' }).waitFor();
      await page.getByLabel('dSource name').fill('erp');
      await page.getByLabel('Source SYSTEMDB Key').fill('PRD_RECOVERY');
      await page.getByLabel('Backint Parameter File').fill(land!.systems[0]!.backintParameterFile);
      const before = c!.engine.store.dsources().map((d) => d.name);
      await page.getByRole('button', { name: 'Link and take the first snapshot' }).click();
      await page.getByRole('alert').filter({ hasText: "A dSource named 'erp' already exists." }).waitFor();
      expect(c!.engine.store.dsources().map((d) => d.name)).toEqual(before);
    },
    TEST_TIMEOUT,
  );

  test(
    'sync after half an hour of source activity takes another snapshot',
    async () => {
      await dsource();
      const count = () => c!.engine.store.snapshots({ dsourceName: 'erp', kind: 'dsource' }).length;
      const before = count();
      await advance(1800);
      const page = await open('#/dsources/erp');
      await page.getByText('Sync (take a new snapshot)').click();
      expect(await page.getByLabel('Resynchronize').isChecked()).toBe(false);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await jobSucceeds(page);
      await page.getByRole('link', { name: 'dsource erp' }).click();
      await page.getByRole('heading', { level: 1, name: 'dSource erp' }).waitFor();
      expect(count()).toBe(before + 1);
      expect(await page.getByRole('link', { name: /^Provision VDB from snapshot/ }).count()).toBe(before + 1);
      await shot(page, 'dsource');
    },
    TEST_TIMEOUT,
  );

  test(
    'provision a VDB from the first snapshot and see requested vs achieved on its timeline',
    async () => {
      const first = c!.engine.store.snapshot(await dsource())!;
      const page = await open('#/dsources/erp');
      await page.getByRole('link', { name: `Provision VDB from snapshot ${first.id}` }).click();
      await page.getByRole('heading', { level: 1, name: 'Provision VDB' }).waitFor();
      expect(await page.getByLabel('dSource snapshot').inputValue()).toBe(String(first.id));
      await page.getByLabel('VDB name').fill('vdb-ui');
      await page.getByLabel('Target environment').selectOption('sim');
      await page.getByLabel('Target repository').selectOption(QAS_REPO);
      await page.getByLabel('Target Tenant').fill('VDB2');
      await page.getByLabel('Target SYSTEMDB Key').fill('QAS_RECOVERY');
      await page.getByLabel('Backint Parameter File').fill(land!.systems[1]!.backintParameterFile);
      await page.getByLabel('Mount Base').fill(join(dir, 'mnt'));
      await page.getByRole('button', { name: 'Provision' }).click();
      await jobSucceeds(page);
      // HANA's own progress lines (from backup.log, as the recovery ran) are on the job's page.
      expect(
        await page
          .locator('ol.progress-lines li')
          .filter({ hasText: /recovering: .*volume \d+ \d+%/ })
          .count(),
      ).toBeGreaterThan(0);
      expect(await page.locator('tr.log-debug').first().isVisible()).toBe(false);
      await shot(page, 'job-provision');
      await page.getByRole('link', { name: 'vdb vdb-ui' }).click();
      await page.getByRole('heading', { level: 1, name: 'VDB vdb-ui' }).waitFor();

      const h = c!.engine.store.recoveryHistory('vdb-ui')[0]!;
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
      const svg = page.locator('figure.timeline').first().locator('svg[role="img"]');
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
      await shot(page, 'vdb');
    },
    TEST_TIMEOUT,
  );

  test(
    'the jobs page lists every job with its outcome; keyboard reaches the navigation',
    async () => {
      await vdbQa();
      const page = await open('#/vdbs');
      await page.getByRole('heading', { level: 1, name: 'VDBs' }).waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.getByRole('link', { name: 'Jobs' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
      const jobs = c!.engine.store.jobs({ limit: 100 });
      expect(await page.locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual(jobs.map((j) => j.operation));
      expect(await page.locator('tbody tr td:nth-child(4)').allInnerTexts()).toEqual(jobs.map((j) => j.outcome));
      expect(jobs.map((j) => j.operation)).toEqual(expect.arrayContaining(['vdb.provision', 'dsource.link', 'environment.add']));
      await shot(page, 'jobs');
    },
    TEST_TIMEOUT,
  );

  test(
    "check the dSource's backup source from its page: the job page shows the verdict of every line",
    async () => {
      const vdb = await vdbQa();
      const page = await open('#/dsources/erp');
      await page.getByLabel('Check from').selectOption(vdb);
      await page.getByRole('button', { name: 'Check backup source' }).click();
      const jobId = await jobSucceeds(page);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Job ${jobId}: dsource.check`);
      // The same check run again through the engine reads the same landscape: the page shows its lines.
      const { report } = await checkDSource(c!.engine, { dsource: 'erp', vdb });
      const section = page.getByRole('region', { name: 'Backup source check' });
      expect(await section.getByText('Verdict:').innerText()).toContain(`Verdict: ${report.verdict}`);
      const rows = await section.locator('tbody tr').all();
      expect(rows).toHaveLength(report.lines.length);
      expect(report.lines.length).toBeGreaterThan(3);
      for (const [i, line] of report.lines.entries()) {
        const cells = await rows[i]!.getByRole('cell').allInnerTexts();
        expect(cells.slice(0, 2)).toEqual([line.title, line.verdict]);
        expect(cells[3]).toBe(line.fix ?? '');
      }
      await shot(page, 'dsource-check');
      await page.getByRole('link', { name: 'dsource erp' }).click();
      await page.getByRole('heading', { level: 1, name: 'dSource erp' }).waitFor();
    },
    TEST_TIMEOUT,
  );

  /** On the VDB's page: `button` opens a dialog saying `says`; Cancel starts nothing, then `ok` confirms. */
  const confirmIn = async (page: Page, button: string, title: string, says: RegExp, ok: string) => {
    const jobsBefore = c!.engine.store.jobs({ limit: 1000 }).length;
    await page.getByRole('button', { name: button }).click();
    const dialog = page.getByRole('dialog', { name: title });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(says);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect(page.url()).toMatch(/#\/vdbs\/[^/]+$/);
    expect(c!.engine.store.jobs({ limit: 1000 })).toHaveLength(jobsBefore);
    await page.getByRole('button', { name: button }).click();
    await dialog.getByRole('button', { name: ok, exact: true }).click();
  };

  /** The job page tells the outcome; back on the VDB's page, the newest recovery is `operation`. */
  const recoveredBy = async (page: Page, name: string, operation: string) => {
    const jobId = await jobSucceeds(page);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Job ${jobId}: vdb.${operation}`);
    expect(await page.getByRole('cell', { name: `Job ${jobId} succeeded.` }).count()).toBe(1);
    // HANA's recovery, as it ran, on the job's page.
    expect(
      await page
        .locator('ol.progress-lines li')
        .filter({ hasText: /recovering/ })
        .count(),
    ).toBeGreaterThan(0);
    await page.getByRole('link', { name: `vdb ${name}` }).click();
    await page.getByRole('heading', { level: 1, name: `VDB ${name}` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: `${operation} (job ${jobId})` });
    expect((await row.getByRole('cell').allInnerTexts())[1]).toBe('succeeded');
    return jobId;
  };

  test(
    'refresh asks first, naming what is lost; confirmed, the job recovers the VDB to the chosen snapshot',
    async () => {
      const name = await qaIn('active');
      const first = await dsource();
      const page = await open(`#/vdbs/${name}`);
      await page.getByLabel('Refresh from').selectOption(String(first));
      await confirmIn(
        page,
        'Refresh…',
        `Refresh ${name}?`,
        /Tenant VDB1 on QAS .* is stopped and recovered to snapshot \d+: origin .* is lost\./,
        'Refresh',
      );
      const jobId = await recoveredBy(page, name, 'refresh');
      const h = c!.engine.store.recoveryHistory(name).find((r) => r.jobId === jobId)!;
      expect(h.metadata!.recoveryTimestamp).toBe(c!.engine.store.snapshot(first)!.metadata.originTimestamp);
      expect(await factOf(page, 'Status').innerText()).toBe('active');
    },
    TEST_TIMEOUT,
  );

  test(
    'rewind asks first; confirmed, the job recovers the VDB to one of its own snapshots',
    async () => {
      const name = await qaIn('active');
      const own = c!.engine.store.snapshots({ vdbName: name }).filter((s) => s.kind === 'vdb')[0]!;
      const page = await open(`#/vdbs/${name}`);
      await page.getByLabel('Rewind to').selectOption(String(own.id));
      await confirmIn(page, 'Rewind…', `Rewind ${name}?`, new RegExp(`recovered to snapshot ${own.id}: VDB snapshot`), 'Rewind');
      await recoveredBy(page, name, 'rewind');
      expect(c!.engine.store.vdb(name)!.currentSnapshotId).toBe(own.id);
      expect(await factOf(page, 'Current snapshot').innerText()).toBe(String(own.id));
      expect(await factOf(page, 'Status').innerText()).toBe('active');
    },
    TEST_TIMEOUT,
  );

  test(
    'stop asks first; confirmed, the job stops the tenant and the page says stopped',
    async () => {
      const name = await qaIn('active');
      const page = await open(`#/vdbs/${name}`);
      await confirmIn(page, 'Stop…', `Stop ${name}?`, /Tenant VDB1 .* is stopped; its sessions end/, 'Stop');
      const jobId = await jobSucceeds(page);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Job ${jobId}: vdb.stop`);
      await page.getByRole('link', { name: `vdb ${name}` }).click();
      await page.getByRole('heading', { level: 1, name: `VDB ${name}` }).waitFor();
      expect(await factOf(page, 'Status').innerText()).toBe('stopped');
      expect(await activeStatus('VDB1')).toBe('NO');
    },
    TEST_TIMEOUT,
  );

  test(
    'start runs at once, as on the command line; the job starts the tenant and the page says active',
    async () => {
      const name = await qaIn('stopped');
      const page = await open(`#/vdbs/${name}`);
      await page.getByRole('button', { name: 'Start' }).click();
      const jobId = await jobSucceeds(page);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Job ${jobId}: vdb.start`);
      await page.getByRole('link', { name: `vdb ${name}` }).click();
      await page.getByRole('heading', { level: 1, name: `VDB ${name}` }).waitFor();
      expect(await factOf(page, 'Status').innerText()).toBe('active');
      expect(await activeStatus('VDB1')).toBe('YES');
    },
    TEST_TIMEOUT,
  );

  test(
    'delete asks for the name first: cancel keeps the VDB, confirming runs the delete job',
    async () => {
      const name = await vdbScratch();
      const page = await open(`#/vdbs/${name}`);
      await page.getByRole('heading', { level: 1, name: `VDB ${name}` }).waitFor();
      await page.getByRole('button', { name: 'Delete…' }).click();
      const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await dialog.isVisible()).toBe(false);
      expect(c!.engine.store.vdb(name)).toBeDefined();
      await page.getByRole('button', { name: 'Delete…' }).click();
      await dialog.getByLabel(`Type ${name} to confirm`).fill(name);
      await dialog.getByRole('button', { name: 'Delete' }).click();
      const jobId = await jobSucceeds(page);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Job ${jobId}: vdb.delete`);
      expect(c!.engine.store.vdb(name)).toBeUndefined();
    },
    TEST_TIMEOUT,
  );
});
