import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPluginConfig } from '../../src/sdk/plugin-config.js';
import { resolveEntryPoint } from '../../src/sdk/entry-point.js';
import { UserError } from '../../src/sdk/errors.js';
import { camelCase, delphixOperationId, snakeCase } from '../../src/sdk/naming.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('loadPluginConfig (the engine side)', () => {
  test('returns the typed config of the repository', () => {
    const c = loadPluginConfig(repoRoot);
    expect(c).toMatchObject({
      pluginType: 'STAGED',
      entryPoint: 'index:plugin',
      srcDir: 'plugin',
      schemaFile: 'schemas/schema.json',
    });
  });

  test('throws a UserError listing every error and pointing at validate', () => {
    const dir = `${repoRoot}test/fixtures/plugins/bad-uuid`;
    let err: unknown;
    try {
      loadPluginConfig(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/\$\.id: .*; \$\.buildNumber: /);
    expect((err as UserError).action).toContain('hana-vdb validate');
  });
});

describe('resolveEntryPoint', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-entry-'));
    mkdirSync(join(root, 'plugin'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('prefers the compiled dist/<srcDir>/M.js, reporting the .ts source', () => {
    writeFileSync(join(root, 'plugin', 'index.ts'), '');
    writeFileSync(join(root, 'plugin', 'index.js'), '');
    mkdirSync(join(root, 'dist', 'plugin'), { recursive: true });
    writeFileSync(join(root, 'dist', 'plugin', 'index.js'), '');
    const e = resolveEntryPoint(root, { entryPoint: 'index:plugin', srcDir: 'plugin' });
    expect(e).toEqual({
      module: 'index',
      object: 'plugin',
      file: join(root, 'dist', 'plugin', 'index.js'),
      sourceFile: join(root, 'plugin', 'index.ts'),
    });
  });

  test('falls back to <srcDir>/M.js', () => {
    writeFileSync(join(root, 'plugin', 'index.js'), '');
    expect(resolveEntryPoint(root, { entryPoint: 'index:plugin', srcDir: 'plugin' }).file).toBe(join(root, 'plugin', 'index.js'));
  });

  test('an unbuilt TypeScript entry point says to build', () => {
    writeFileSync(join(root, 'plugin', 'index.ts'), '');
    expect(() => resolveEntryPoint(root, { entryPoint: 'index:plugin', srcDir: 'plugin' })).toThrow(
      expect.objectContaining({ action: expect.stringContaining('npm run build') }),
    );
  });

  test('a module outside srcDir is refused', () => {
    expect(() => resolveEntryPoint(root, { entryPoint: '../evil:plugin', srcDir: 'plugin' })).toThrow(UserError);
  });
});

describe('snake_case ⇄ camelCase', () => {
  test('maps Delphix names both ways', () => {
    expect(camelCase('optional_snapshot_parameters')).toBe('optionalSnapshotParameters');
    expect(snakeCase('optionalSnapshotParameters')).toBe('optional_snapshot_parameters');
    expect(delphixOperationId('linked', 'mountSpecification')).toBe('linked.mount_specification()');
  });
});
