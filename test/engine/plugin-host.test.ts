/**
 * Operation invocation: argument and return checks. Loaded from dist/ (built first), so the engine and the
 * plugin share one SDK module instance, as in production.
 */
import { join } from 'node:path';
import { FIXTURE_PLUGIN_DIR } from '../support/engine-harness.js';

const dist = (p: string) => join(new URL('../..', import.meta.url).pathname, 'dist', p);

describe('plugin host', () => {
  let sdk: any;
  let invoke: any;
  let loaded: any;
  const libs = {
    runBash: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
    runSync: async () => undefined,
    retrieveCredentials: async () => ({ username: 'u', password: 'p' }),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    reportProgress() {},
  };

  beforeAll(async () => {
    sdk = await import(dist('src/sdk/index.js'));
    invoke = await import(dist('src/engine/plugin-host/invoke.js'));
    const { loadPlugin } = await import(dist('src/engine/plugin-host/load.js'));
    loaded = await loadPlugin(FIXTURE_PLUGIN_DIR);
  });

  const withPlugin = (register: (p: any) => void) => {
    const plugin = new sdk.Plugin();
    register(plugin);
    return { ...loaded, plugin };
  };
  const call = (l: any, area: string, name: string, args: Record<string, unknown>, returns: unknown, required = true) =>
    invoke.invokeOperation(l, libs, { area, name, args, returns, required });

  it('loads the fixture plugin through plugin_config.yml', () => {
    expect(loaded.config).toMatchObject({
      name: 'engine-fixture',
      pluginType: 'STAGED',
      entryModule: 'index',
      entryExport: 'plugin',
    });
    expect(loaded.plugin.registered('virtual')).toEqual(expect.arrayContaining(['configure', 'reconfigure', 'mountSpecification']));
  });

  it('a wrong return type is IncorrectReturnTypeError naming the operation', async () => {
    const l = withPlugin((p) => p.virtual.configure(() => 'not an object'));
    await expect(
      call(
        l,
        'virtual',
        'configure',
        { snapshot: { takenAt: 't', data: 'd', source: 's' } },
        { kind: 'object', definition: 'sourceConfigDefinition' },
      ),
    ).rejects.toThrow(
      new sdk.IncorrectReturnTypeError(
        'The returned object for the virtual.configure() operation was string but should be of type SourceConfigDefinition.',
      ),
    );
    const l2 = withPlugin((p) => p.discovery.repository(() => ({ name: 'x' })));
    await expect(
      call(l2, 'discovery', 'repository', {}, { kind: 'list', definition: 'repositoryDefinition' }),
    ).rejects.toBeInstanceOf(sdk.IncorrectReturnTypeError);
    const l3 = withPlugin((p) => p.virtual.mountSpecification(() => ({ mounts: [] })));
    await expect(call(l3, 'virtual', 'mountSpecification', {}, { kind: 'mountSpecification' })).rejects.toThrow(/without mounts/);
  });

  it('an object that breaks the schema, in or out, is a UserError naming the field', async () => {
    const l = withPlugin((p) => p.virtual.configure(() => ({ name: 7 })));
    await expect(
      call(
        l,
        'virtual',
        'configure',
        { snapshot: { takenAt: 't', data: 'd', source: 's' } },
        { kind: 'object', definition: 'sourceConfigDefinition' },
      ),
    ).rejects.toThrow(/virtual\.configure\(\) returned an invalid sourceConfigDefinition: .*\$\.name/);
    await expect(
      call(l, 'virtual', 'configure', { snapshot: { takenAt: 't' } }, { kind: 'object', definition: 'sourceConfigDefinition' }),
    ).rejects.toThrow(/The snapshot passed to virtual\.configure\(\) is not valid: .*\$\.data/);
  });

  it('an absent optional operation is skipped; an absent required one is a plugin error', async () => {
    const l = withPlugin(() => undefined);
    await expect(call(l, 'virtual', 'unconfigure', {}, { kind: 'void' }, false)).resolves.toEqual({
      implemented: false,
      value: undefined,
    });
    await expect(call(l, 'virtual', 'configure', {}, { kind: 'void' }, true)).rejects.toBeInstanceOf(sdk.IncorrectPluginCodeError);
  });

  it('binds the engine libs for the call and returns the validated value', async () => {
    const l = withPlugin((p) =>
      p.discovery.repository(async () => {
        const r = await sdk.libs.runBash({}, 'true');
        return [{ name: `exit${r.exitCode}`, home: '/h' }];
      }),
    );
    await expect(call(l, 'discovery', 'repository', {}, { kind: 'list', definition: 'repositoryDefinition' })).resolves.toEqual({
      implemented: true,
      value: [{ name: 'exit0', home: '/h' }],
    });
  });
});
