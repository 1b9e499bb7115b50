/**
 * `env add` checks the scratch path when it is given, by the rule the plugin applies when it uses the path
 * (src/sdk/paths.ts): a shell expression is refused at once, the store stays empty, and nothing runs on the host.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEngineHarness, type EngineHarness } from '../support/engine-harness.js';

describe('env add validates the scratch path where it enters', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  const withScratch = (path: string) => {
    const args = h.envAddArgs('e1');
    args[args.indexOf('--scratch-path') + 1] = path;
    return args;
  };

  test.each([
    ['/tmp/$(touch x)', 'contains characters that are not allowed in a path'],
    ['/tmp/../etc', 'contains "." or ".." components'],
  ])('%s is refused at env add, before any connection', async (path, rule) => {
    const before = h.execCommands.length;
    const r = await h.cli([...withScratch(path), '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Invalid scratch path (--scratch-path): ${JSON.stringify(path)} ${rule}.`);
    expect(r.stderr).toContain('Give an absolute path such as');
    expect(h.execCommands.length).toBe(before);
    expect(existsSync(join(process.cwd(), 'x'))).toBe(false);
    const list = await h.cli(['list', 'environments', '--json']);
    expect(list.json.environments ?? list.json).toEqual([]);
  });

  test('a valid scratch path is stored normalised', async () => {
    const r = await h.cli([...withScratch(`${h.scratch}//`), '--json']);
    expect(r.code).toBe(0);
    const list = await h.cli(['list', 'environments', '--json']);
    expect(JSON.stringify(list.json)).toContain(JSON.stringify(h.scratch));
  });
});
