/**
 * The typed plugin calls: each names its operation, its return kind and whether the workflow needs it,
 * and a result of the wrong shape is refused where it enters the engine, naming the operation.
 */
import { IncorrectReturnTypeError } from '../../../src/sdk/errors.js';
import { Status } from '../../../src/sdk/platform.js';
import { discovery, linked, virtual, type Caller } from '../../../src/engine/workflows/plugin-calls.js';

interface Seen {
  area: string;
  name: string;
  returns: unknown;
  required: boolean | undefined;
}

function caller(result: { implemented: boolean; value: unknown }): Caller & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    async call(area, name, _args, returns, required) {
      seen.push({ area, name, returns, required });
      return result;
    },
  };
}

const args = {} as never;
const mountSpec = { mounts: [{ remoteEnvironment: 'UNIX_HOST_ENVIRONMENT-1', mountPath: '/mnt/x' }] };
const obj = (definition: string) => ({ kind: 'object', definition });
const list = (definition: string) => ({ kind: 'list', definition });
const VOID = { kind: 'void' };

const TABLE: [string, (c: Caller) => Promise<unknown>, unknown, unknown, boolean][] = [
  ['discovery.repository', (c) => discovery.repositories(c, args), list('repositoryDefinition'), [{}], true],
  ['discovery.sourceConfig', (c) => discovery.sourceConfigs(c, args), list('sourceConfigDefinition'), [{}], true],
  ['linked.mountSpecification', (c) => linked.mountSpecification(c, args), { kind: 'mountSpecification' }, mountSpec, true],
  ['linked.preSnapshot', (c) => linked.preSnapshot(c, args), VOID, undefined, false],
  ['linked.postSnapshot', (c) => linked.postSnapshot(c, args), obj('snapshotDefinition'), {}, true],
  ['linked.startStaging', (c) => linked.startStaging(c, args), VOID, undefined, false],
  ['linked.stopStaging', (c) => linked.stopStaging(c, args), VOID, undefined, false],
  ['virtual.mountSpecification', (c) => virtual.mountSpecification(c, args), { kind: 'mountSpecification' }, mountSpec, true],
  ['virtual.configure', (c) => virtual.configure(c, args), obj('sourceConfigDefinition'), {}, true],
  ['virtual.reconfigure', (c) => virtual.reconfigure(c, args), obj('sourceConfigDefinition'), {}, true],
  ['virtual.unconfigure', (c) => virtual.unconfigure(c, args), VOID, undefined, false],
  ['virtual.preSnapshot', (c) => virtual.preSnapshot(c, args), VOID, undefined, false],
  ['virtual.postSnapshot', (c) => virtual.postSnapshot(c, args), obj('snapshotDefinition'), {}, true],
  ['virtual.start', (c) => virtual.start(c, args), VOID, undefined, false],
  ['virtual.stop', (c) => virtual.stop(c, args), VOID, undefined, false],
  ['virtual.status', (c) => virtual.status(c, args), { kind: 'status' }, Status.INACTIVE, false],
  ['virtual.cleanup', (c) => virtual.cleanup(c, args), VOID, undefined, false],
];

describe('typed plugin calls', () => {
  it.each(TABLE)('%s names its operation, return kind and need', async (label, run, returns, good, needed) => {
    const c = caller({ implemented: true, value: good });
    await run(c);
    const [area, name] = label.split('.');
    expect(c.seen).toEqual([{ area, name, returns, required: needed ? true : undefined }]);
  });

  it.each(TABLE)('%s refuses a result of the wrong shape, naming the operation', async (label, run) => {
    const c = caller({ implemented: true, value: 'a string' });
    await expect(run(c)).rejects.toThrow(IncorrectReturnTypeError);
    await expect(run(c)).rejects.toThrow(`${label}()`);
  });

  it('returns the results typed: lists, objects and mount specifications as the plugin gave them', async () => {
    expect(await discovery.repositories(caller({ implemented: true, value: [{ sid: 'QAS' }] }), args)).toEqual([{ sid: 'QAS' }]);
    expect(await virtual.configure(caller({ implemented: true, value: { sid: 'QAS' } }), args)).toEqual({ sid: 'QAS' });
    expect(await linked.mountSpecification(caller({ implemented: true, value: mountSpec }), args)).toEqual(mountSpec);
  });

  it('a plugin without virtual.status() is taken as ACTIVE', async () => {
    expect(await virtual.status(caller({ implemented: false, value: undefined }), args)).toBe(Status.ACTIVE);
    expect(await virtual.status(caller({ implemented: true, value: Status.INACTIVE }), args)).toBe(Status.INACTIVE);
  });

  it('a mount specification without mounts is refused', async () => {
    await expect(virtual.mountSpecification(caller({ implemented: true, value: { mounts: [] } }), args)).rejects.toThrow(
      'virtual.mountSpecification() operation returned a MountSpecification without mounts',
    );
  });
});
