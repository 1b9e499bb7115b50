/**
 * The console's API without a browser: the one-time token and the session, CSRF and same-origin checks,
 * bad input answered with a 400 naming the field, and write-only (format "password") fields never sent back.
 * Uses a fixture plugin whose linkedSourceDefinition has a password field. Requires a prior build (the
 * fixture imports the SDK from dist/).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsole, type RunningConsole } from '../../src/engine/console/server.js';
import { login, request } from './support/http.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const FIXTURE = join(repoRoot, 'test/console/fixtures/secret-plugin');
const SECRET = 'S3cret-Pass-4711';
const built = existsSync(join(repoRoot, 'dist/src/sdk/index.js'));

(built ? describe : describe.skip)('console API', () => {
  let dir: string;
  let c: RunningConsole;
  let cookie: string;
  let csrf: string;
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(c.port, method, path, { body, headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-console-api-'));
    c = await startConsole({ dataDir: join(dir, 'data'), pluginDir: FIXTURE, packageRoot: repoRoot, port: 0 });
    // A dSource stored with a secret parameter, as a link from the console would store it.
    const store = c.engine.store;
    const env = store.addEnvironment({
      name: 'hosts',
      address: '127.0.0.1',
      port: 2222,
      hostKeyFingerprint: null,
      knownHostsFile: join(dir, 'known_hosts'),
      acceptNew: true,
      scratchPath: '/tmp/x',
      user: { name: 'prdadm', authKind: 'key', keyFile: join(dir, 'id'), passwordEnv: null },
    });
    store.recordDiscovery(
      env.id,
      [
        {
          name: 'PRD',
          identity: { name: 'PRD' },
          object: { name: 'PRD' },
          sourceConfigs: [{ name: 'ERP@PRD', identity: { name: 'ERP@PRD' }, object: { name: 'ERP@PRD', tenant: 'ERP' } }],
        },
      ],
      null,
    );
    const repo = store.repositories('hosts')[0]!;
    const sc = store.sourceConfigs({ repositoryId: repo.id })[0]!;
    store.createDSource({
      name: 'erp',
      environmentId: env.id,
      repositoryId: repo.id,
      sourceConfigId: sc.id,
      parameters: { sourceTenant: 'ERP', adminPassword: SECRET, rpoOffsetMinutes: 5 },
      migrationId: null,
    });
    // The shared session every other test uses; the token's one-time use is tested on a console of its own.
    ({ cookie, csrf } = await login(c.port, c.url));
  });

  afterAll(async () => {
    await c?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('binds to 127.0.0.1 and prints a URL carrying an access token', () => {
    expect(c.host).toBe('127.0.0.1');
    expect(c.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${c.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  test('without a session: API calls are 401 and the page asks for the printed link', async () => {
    expect((await request(c.port, 'GET', '/api/dsources')).status).toBe(401);
    const page = await request(c.port, 'GET', '/');
    expect(page.status).toBe(401);
    expect(page.text).toContain('hana-vdb console');
    expect((await request(c.port, 'GET', '/static/app.js')).status).toBe(401);
    expect((await request(c.port, 'GET', '/api/dsources', { headers: { cookie: 'hana_vdb_console=forged' } })).status).toBe(401);
  });

  test('a wrong token is refused; the right one gives an HttpOnly SameSite=Strict session once', async () => {
    const fresh = await startConsole({ dataDir: join(dir, 'data-token'), pluginDir: FIXTURE, packageRoot: repoRoot, port: 0 });
    try {
      expect((await request(fresh.port, 'GET', '/?token=wrong')).status).toBe(403);
      const session = await login(fresh.port, fresh.url);
      expect(session.cookie).toMatch(/^hana_vdb_console=/);
      expect(session.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const again = await request(fresh.port, 'GET', new URL(fresh.url).pathname + new URL(fresh.url).search);
      expect(again.status).toBe(403);
      expect(again.json.error.message).toMatch(/already used/);
      const page = await request(fresh.port, 'GET', '/', { headers: { cookie: session.cookie } });
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect((await request(fresh.port, 'GET', '/api/dsources', { headers: { cookie: session.cookie } })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  test('the session cookie attributes', async () => {
    const fresh = await startConsole({ dataDir: join(dir, 'data2'), pluginDir: FIXTURE, packageRoot: repoRoot, port: 0 });
    try {
      const u = new URL(fresh.url);
      const r = await request(fresh.port, 'GET', `${u.pathname}${u.search}`);
      const set = String((r.headers['set-cookie'] as string[])[0]);
      expect(set).toMatch(/; HttpOnly/);
      expect(set).toMatch(/; SameSite=Strict/);
      expect(r.headers.location).toBe('/');
    } finally {
      await fresh.close();
    }
  });

  test('a request naming another host is refused (DNS rebinding)', async () => {
    const r = await request(c.port, 'GET', '/api/dsources', { headers: { cookie, host: `evil.example:${c.port}` } });
    expect(r.status).toBe(421);
  });

  test('state-changing calls need the CSRF token and a same-origin browser context', async () => {
    const noToken = await request(c.port, 'POST', '/api/environments/hosts/discover', { body: {}, headers: { cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.message).toMatch(/CSRF/);
    const wrongToken = await api('POST', '/api/environments/hosts/discover', {}, { 'x-csrf-token': 'x'.repeat(43) });
    expect(wrongToken.status).toBe(403);
    const crossOrigin = await api('POST', '/api/environments/hosts/discover', {}, { origin: 'http://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.json.error.message).toMatch(/Cross-origin/);
    const crossSite = await api(
      'POST',
      '/api/environments/hosts/discover',
      {},
      { 'sec-fetch-site': 'cross-site', origin: `http://127.0.0.1:${c.port}` },
    );
    expect(crossSite.status).toBe(403);
    const textPlain = await api('POST', '/api/validate/linkedSourceDefinition', '{"sourceTenant":"ERP"}', {
      'content-type': 'text/plain',
    });
    expect(textPlain.status).toBe(415);
    const deleteNoToken = await request(c.port, 'DELETE', '/api/dsources/erp', { body: { confirm: 'erp' }, headers: { cookie } });
    expect(deleteNoToken.status).toBe(403);
    expect(c.engine.store.dsource('erp')).toBeDefined();
  });

  test('bad parameters: 400 naming each field and the fix, checked with the schema', async () => {
    const r = await api(
      'POST',
      '/api/dsources',
      {
        name: 'erp2',
        environment: 'hosts',
        repository: 'PRD',
        sourceConfig: 'ERP@PRD',
        parameters: { sourceTenant: 'erp', adminPassword: 'short', rpoOffsetMinutes: -5 },
      },
      { origin: `http://127.0.0.1:${c.port}`, 'sec-fetch-site': 'same-origin' },
    );
    expect(r.status).toBe(400);
    const fields = (r.json.problems as Array<{ field: string }>).map((p) => p.field).sort();
    expect(fields).toEqual(['adminPassword', 'rpoOffsetMinutes', 'sourceTenant']);
    expect(r.json.error.message).toMatch(/sourceTenant/);
    const tenant = r.json.problems.find((p: { field: string }) => p.field === 'sourceTenant');
    expect(tenant.fix).toBe('Use the tenant name in upper case (e.g. ERP).');
    // The secret that was typed is not echoed, not even a wrong one.
    expect(r.text).not.toContain('short');
    expect(c.engine.store.dsource('erp2')).toBeUndefined();
  });

  test('bad non-schema input names its field too', async () => {
    const port = await api('POST', '/api/environments', {
      name: 'h2',
      host: '127.0.0.1',
      port: 'abc',
      user: 'prdadm',
      keyFile: '/etc/hostname',
    });
    expect(port.status).toBe(400);
    expect(port.json.problems[0].field).toBe('port');
    const name = await api('POST', '/api/vdbs', {
      name: 'bad name!',
      snapshotId: 1,
      environment: 'hosts',
      repository: 'PRD',
      parameters: {},
    });
    expect(name.status).toBe(400);
    expect(name.json.problems[0].field).toBe('name');
    const confirm = await api('DELETE', '/api/dsources/erp', { confirm: 'wrong' });
    expect(confirm.status).toBe(400);
    expect(confirm.json.problems[0].field).toBe('confirm');
    expect(c.engine.store.dsource('erp')).toBeDefined();
    const notJson = await api('POST', '/api/dsources', '{not json', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
  });

  test('a workflow refusing before its job starts is a 400 with the engine message', async () => {
    const r = await api('POST', '/api/environments/nowhere/discover', {});
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe("No environment named 'nowhere'.");
    expect((await api('GET', '/api/jobs')).json.jobs).toEqual([]);
  });

  test('dsource check: a bad VDB name is a 400 naming the field; a dSource without VDBs is refused before any job', async () => {
    const bad = await api('POST', '/api/dsources/erp/check', { vdb: 'no such/vdb' });
    expect(bad.status).toBe(400);
    expect(bad.json.problems[0].field).toBe('vdb');
    const none = await api('POST', '/api/dsources/erp/check', {});
    expect(none.status).toBe(400);
    expect(none.json.error.message).toBe("dSource 'erp' has no VDB yet, so there is no target to check from.");
    expect((await api('GET', '/api/jobs')).json.jobs).toEqual([]);
  });

  test('POST /api/validate runs the engine schema check and reports per field', async () => {
    const bad = await api('POST', '/api/validate/linkedSourceDefinition', {
      sourceTenant: 'ERP',
      adminPassword: 'x',
      rpoOffsetMinutes: 43201,
    });
    expect(bad.status).toBe(200);
    expect(bad.json.valid).toBe(false);
    expect(bad.json.problems.map((p: { field: string }) => p.field).sort()).toEqual(['adminPassword', 'rpoOffsetMinutes']);
    const good = await api('POST', '/api/validate/linkedSourceDefinition', { sourceTenant: 'ERP', adminPassword: 'long enough' });
    expect(good.json).toEqual({ valid: true, problems: [] });
    expect((await api('POST', '/api/validate/repositoryDefinition', {})).status).toBe(404);
  });

  test('password fields are never sent back: not in forms (no default), not in dSource views', async () => {
    const form = await api('GET', '/api/forms/linkedSourceDefinition');
    expect(form.json.fields.map((f: { name: string }) => f.name)).toEqual(['sourceTenant', 'adminPassword', 'rpoOffsetMinutes']);
    const pw = form.json.fields.find((f: { name: string }) => f.name === 'adminPassword');
    expect(pw).toMatchObject({ password: true, required: true, label: 'Admin Password' });
    expect(pw.default).toBeUndefined();
    expect(form.text).not.toContain('default-secret-never-shown');
    for (const path of ['/api/dsources', '/api/dsources/erp']) {
      const r = await api('GET', path);
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(SECRET);
    }
    const one = await api('GET', '/api/dsources/erp');
    expect(one.json.dsource.parameters).toEqual({ sourceTenant: 'ERP', rpoOffsetMinutes: 5 });
    expect(one.json.dsource.secretsSet).toEqual(['adminPassword']);
  });

  test('unknown things are 404 with a message', async () => {
    expect((await api('GET', '/api/dsources/none')).json.error.message).toBe("No dSource named 'none'.");
    expect((await api('GET', '/api/nothing')).status).toBe(404);
    expect((await api('GET', '/static/../package.json')).status).toBe(404);
  });
});
