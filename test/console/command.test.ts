/** `hana-vdb console` as a command: --json prints {"url","port"}, the server answers, a signal stops it. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../src/engine/cli/command.js';
import { run } from '../../src/engine/console/command.js';
import { request } from './support/http.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const FIXTURE = join(repoRoot, 'test/console/fixtures/secret-plugin');
const built = existsSync(join(repoRoot, 'dist/src/sdk/index.js'));

(built ? describe : describe.skip)('console command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-console-cmd-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ctx = (out: string[]): CliContext => ({
    json: true,
    debug: false,
    dataDir: join(dir, 'data'),
    packageRoot: repoRoot,
    interactive: false,
    stdout: (t) => void out.push(t),
    stderr: () => undefined,
  });

  test('--json prints one object with url and port on 127.0.0.1; SIGTERM stops it with exit 0', async () => {
    const out: string[] = [];
    const done = run({}, ctx(out), { pluginDir: FIXTURE });
    while (out.length === 0) await new Promise((r) => setImmediate(r));
    const printed = JSON.parse(out.join(''));
    expect(Object.keys(printed).sort()).toEqual(['port', 'url']);
    expect(printed.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${printed.port}/\\?token=`));
    expect((await request(printed.port, 'GET', '/api/session')).status).toBe(401);
    process.emit('SIGTERM');
    expect(await done).toBe(0);
    await expect(request(printed.port, 'GET', '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('bad options are user errors', async () => {
    await expect(run({ port: 'http' }, ctx([]), { pluginDir: FIXTURE })).rejects.toThrow("--port 'http' is not a TCP port.");
    await expect(run({ host: '0.0.0.0' }, ctx([]), { pluginDir: FIXTURE })).rejects.toThrow('would listen on every address');
  });
});
