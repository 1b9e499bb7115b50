import { Plugin, isPlugin, MANIFEST_KEYS, OPERATION_NAMES } from '../../src/sdk/plugin.js';
import { DecoratorNotFunctionError, OperationAlreadyDefinedError } from '../../src/sdk/errors.js';

describe('Plugin registries', () => {
  test('registering returns the implementation unchanged and the engine can fetch it', () => {
    const plugin = new Plugin();
    const configure = async () => ({ name: 'VDB1@QAS' });
    expect(plugin.virtual.configure(configure)).toBe(configure);
    expect(plugin.operation('virtual', 'configure')).toBe(configure);
    expect(plugin.operation('virtual', 'reconfigure')).toBeUndefined();
    expect(plugin.registered('virtual')).toEqual(['configure']);
  });

  test('registering an operation twice raises OperationAlreadyDefinedError', () => {
    const plugin = new Plugin();
    plugin.linked.postSnapshot(async () => ({}));
    expect(() => plugin.linked.postSnapshot(async () => ({}))).toThrow(OperationAlreadyDefinedError);
    expect(() => plugin.linked.postSnapshot(async () => ({}))).toThrow('linked.postSnapshot() has already been defined');
  });

  test('the same name in different areas is independent', () => {
    const plugin = new Plugin();
    plugin.linked.status(() => 0);
    expect(() => plugin.virtual.status(() => 0)).not.toThrow();
  });

  test('registering something that is not a function raises DecoratorNotFunctionError', () => {
    const plugin = new Plugin();
    expect(() => plugin.discovery.repository('nope' as never)).toThrow(DecoratorNotFunctionError);
    expect(() => plugin.upgrade.snapshot('1', 42 as never)).toThrow(DecoratorNotFunctionError);
    expect(plugin.registered('discovery')).toEqual([]);
  });

  test('every Delphix operation has a registry entry', () => {
    const plugin = new Plugin();
    for (const area of ['discovery', 'linked', 'virtual'] as const) {
      for (const name of OPERATION_NAMES[area])
        expect(typeof (plugin[area] as unknown as Record<string, unknown>)[name]).toBe('function');
    }
  });

  test('manifest() says which operations exist and lists migration ids in order, as dvp', () => {
    const plugin = new Plugin();
    plugin.discovery.repository(() => []);
    plugin.virtual.initialize(async () => ({}));
    plugin.upgrade.snapshot('2', ({ oldSnapshot }) => oldSnapshot);
    plugin.upgrade.repository('1.10', ({ oldRepository }) => oldRepository);
    plugin.upgrade.linkedSource('1.9', ({ oldLinkedSource }) => oldLinkedSource);
    const m = plugin.manifest();
    expect(m.type).toBe('PluginManifest');
    expect(m.hasRepositoryDiscovery).toBe(true);
    expect(m.hasSourceConfigDiscovery).toBe(false);
    expect(m.hasInitialize).toBe(true);
    expect(m.hasVirtualConfigure).toBe(false);
    expect(m.migrationIdList).toEqual(['1.9', '1.10', '2']);
    const keys = Object.values(MANIFEST_KEYS).flatMap((area) => Object.values(area));
    expect(keys).toHaveLength(22);
    expect(Object.keys(m).sort()).toEqual(['migrationIdList', 'type', ...keys].sort());
  });

  test('isPlugin recognises Plugins and nothing else', () => {
    expect(isPlugin(new Plugin())).toBe(true);
    expect(isPlugin({ discovery: {}, linked: {}, virtual: {} })).toBe(false);
    expect(isPlugin(null)).toBe(false);
  });
});
