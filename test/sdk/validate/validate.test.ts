/**
 * `hana-vdb validate` on fixture plugins (test/fixtures/plugins), one per kind of defect. The fixtures are
 * plain JS importing the built SDK (dist/src/sdk/index.js): run `npm run build` first (npm test does).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validatePluginDir, type ValidationReport, type Finding } from '../../../src/sdk/validate/index.js';
import { run } from '../../../src/sdk/validate/command.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = (name: string) => `${repoRoot}test/fixtures/plugins/${name}`;

beforeAll(() => {
  if (!existsSync(`${repoRoot}dist/src/sdk/index.js`))
    throw new Error('dist/src/sdk/index.js is missing: run `npm run build` before these tests.');
});

const summary = (fs: Finding[]) => fs.map((f) => `${f.file}: ${f.path}: ${f.message}`);

describe('validatePluginDir on fixture plugins', () => {
  test('a complete plugin is valid with no warnings, and its manifest lists what it implements', async () => {
    const r = await validatePluginDir(fixture('good'));
    expect(summary(r.errors)).toEqual([]);
    expect(summary(r.warnings)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.manifest).toMatchObject({
      type: 'PluginManifest',
      hasRepositoryDiscovery: true,
      hasLinkedMountSpecification: true,
      hasLinkedStartStaging: false,
      hasInitialize: false,
      migrationIdList: ['2025.1'],
    });
  });

  test('bad YAML is reported with line and column', async () => {
    const r = await validatePluginDir(fixture('bad-yaml'));
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({
        file: 'plugin_config.yml',
        path: '$',
        line: 5,
        column: 1,
        message: expect.stringContaining('not valid YAML at line 5, column 1'),
      }),
    ]);
  });

  test('a missing required field is named', async () => {
    const r = await validatePluginDir(fixture('missing-field'));
    expect(r.errors).toEqual([
      expect.objectContaining({ file: 'plugin_config.yml', path: '$.name', message: expect.stringContaining('required') }),
    ]);
  });

  test('a malformed UUID and an unquoted buildNumber are reported at their lines, with fixes', async () => {
    const r = await validatePluginDir(fixture('bad-uuid'));
    expect(r.errors).toEqual([
      expect.objectContaining({ path: '$.id', line: 1, column: 5, fix: expect.stringContaining('UUID') }),
      expect.objectContaining({ path: '$.buildNumber', line: 3, fix: expect.stringContaining('quoted') }),
    ]);
  });

  test('a language other than ours is rejected by the widened enum', async () => {
    const r = await validatePluginDir(fixture('wrong-language'));
    expect(r.errors).toEqual([
      expect.objectContaining({
        path: '$.language',
        message: expect.stringContaining('"PYTHON38"'),
        fix: expect.stringContaining('TYPESCRIPT_NODE20'),
      }),
    ]);
  });

  test('a structural error in schema.json is an error at its JSON path', async () => {
    const r = await validatePluginDir(fixture('bad-schema-type'));
    expect(r.errors).toEqual([
      expect.objectContaining({
        file: 'schema.json',
        path: '$.repositoryDefinition.properties.path.type',
        message: expect.stringContaining('"strin"'),
      }),
    ]);
  });

  test('dvp gaps are warnings: nameField and identityFields name real properties, every property is described', async () => {
    const r = await validatePluginDir(fixture('weak-schema'));
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual([
      '$.repositoryDefinition.nameField',
      '$.sourceConfigDefinition.identityFields[1]',
      '$.virtualSourceDefinition.properties.port.description',
    ]);
  });

  test('an entry module that does not exist is reported against entryPoint', async () => {
    const r = await validatePluginDir(fixture('unresolvable-entry'));
    expect(r.errors).toEqual([
      expect.objectContaining({
        file: 'plugin_config.yml',
        path: '$.entryPoint',
        message: expect.stringMatching(/^Unable to load module 'main'/),
      }),
    ]);
  });

  test('a missing symbol and a non-Plugin object are reported', async () => {
    const missing = await validatePluginDir(fixture('missing-symbol'));
    expect(missing.errors).toEqual([
      expect.objectContaining({
        path: 'index:plugn',
        message: "Entry point 'index:plugn' does not exist. 'plugn' is not a symbol in module 'index'.",
      }),
    ]);
    const notPlugin = await validatePluginDir(fixture('not-a-plugin'));
    expect(notPlugin.errors).toEqual([
      expect.objectContaining({ file: 'src/index.js', message: "'plugin' in module 'index' is not a Plugin." }),
    ]);
  });

  test('wrong argument names are errors in dvp wording; an undestructured parameter is a warning', async () => {
    const r = await validatePluginDir(fixture('wrong-args'));
    expect(r.errors.map((e) => e.message)).toEqual([
      'Named argument mismatch in method discovery.sourceConfig(). Expected: [sourceConnection, repository], ' +
        'Found: [sourceConnection, repo]',
      'Number of arguments do not match in method linked.postSnapshot(). Expected: [stagedSource, repository, ' +
        'sourceConfig, optionalSnapshotParameters], Found: [stagedSource, repository, sourceConfig]',
      'Named argument mismatch in method linked.mountSpecification(). Expected: [stagedSource, repository], ' +
        'Found: [staged_source, repository]',
      'Number of arguments do not match in method virtual.reconfigure(). Expected: one object ({ ' +
        'virtualSource, repository, sourceConfig, snapshot }), Found: 2 parameters',
      'Named argument mismatch in method upgrade.snapshot("1"). Expected: [oldSnapshot], Found: [oldSnap]',
    ]);
    expect(r.errors.every((e) => e.file === 'src/index.js')).toBe(true);
    expect(r.warnings).toEqual([
      expect.objectContaining({ path: 'virtual.configure()', message: expect.stringContaining('"args" is not destructured') }),
    ]);
  });

  test('a migration id used twice (after canonicalisation, across types) is an error at its line', async () => {
    const r = await validatePluginDir(fixture('duplicate-migration'));
    expect(r.errors).toEqual([
      expect.objectContaining({
        file: 'src/index.js',
        line: 7,
        path: 'MigrationIdAlreadyUsedError',
        message: expect.stringContaining("'01.02.0'"),
      }),
    ]);
  });

  test('a malformed migration id is an error', async () => {
    const r = await validatePluginDir(fixture('malformed-migration'));
    expect(r.errors).toEqual([
      expect.objectContaining({ path: 'MigrationIdIncorrectFormatError', message: expect.stringContaining("'2025.x'") }),
    ]);
  });

  test('a missing required operation is a warning in dvp wording, not an error', async () => {
    const r = await validatePluginDir(fixture('missing-required-op'));
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.message)).toEqual([
      "Implementation missing for required method linked.mount_specification(). The Plugin Operation 'Staged " +
        "Source Mount Specification' will fail when executed",
    ]);
  });

  test('a directory that does not exist is an error', async () => {
    const r = await validatePluginDir(fixture('no-such-plugin'));
    expect(r.valid).toBe(false);
    expect(r.errors[0]!.message).toContain('does not exist');
  });
});

describe('the validate command', () => {
  async function capture(argv: string[], json = false): Promise<{ code: number; out: string }> {
    let out = '';
    const code = await run(argv, { json, stdout: (t) => (out += t) });
    return { code, out };
  }

  test('exit 1 with one "file: path: what. Fix: how" line per problem', async () => {
    const { code, out } = await capture([fixture('bad-uuid')]);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^plugin_config\.yml:1:5: \$\.id: .+\. Fix: Use a UUID/);
    expect(lines[1]).toMatch(/^plugin_config\.yml:3:14: \$\.buildNumber: .+\. Fix: /);
    expect(lines[2]).toMatch(/^Validation failed on .*bad-uuid: 2 error\(s\), 0 warning\(s\)\.$/);
  });

  test('exit 0 when only warnings, which are printed', async () => {
    const { code, out } = await capture([fixture('missing-required-op')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^warning: src\/index\.js: linked\.mountSpecification\(\): Implementation missing/m);
  });

  test('--json prints the report alone', async () => {
    const { code, out } = await capture([fixture('wrong-language'), '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out) as ValidationReport;
    expect(report.valid).toBe(false);
    expect(report.errors[0]).toMatchObject({ file: 'plugin_config.yml', path: '$.language', line: 6, column: 11 });
  });

  test('an unknown option is a UserError', async () => {
    await expect(capture(['--strict'])).rejects.toThrow('Unknown option --strict');
  });
});

describe('the repository itself', () => {
  // Needs plugin/ built into dist/plugin (npm run build).
  test('hana-vdb validate passes on the repo root with no errors', async () => {
    const r = await validatePluginDir(repoRoot);
    expect(summary(r.errors)).toEqual([]);
    expect(r.valid).toBe(true);
  });
});
