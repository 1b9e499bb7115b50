import { describeParameters, parseParameters } from '../../src/sdk/introspect.js';

describe('argument-name introspection', () => {
  test.each([
    ['({ virtualSource, repository, snapshot }) => 1', ['virtualSource', 'repository', 'snapshot']],
    ['async ({ a, b: alias, c = 1, d: { e } }) => 1', ['a', 'b', 'c', 'd']],
    ['function configure({ virtualSource, repository }) { return 1 }', ['virtualSource', 'repository']],
    ['async function ({ x = "a,b}", y = `t${"}"}` }) {}', ['x', 'y']],
    ['configure({ a, /* b, */ c }) {}', ['a', 'c']],
    ['({ "quoted": q, a, }) => q', ['quoted', 'a']],
    ['({ a } = {}) => a', ['a']],
  ])('%s → %j', (source, keys) => {
    expect(parseParameters(source)).toEqual({ count: 1, first: { kind: 'destructured', keys, rest: false, computed: false } });
  });

  test('rest elements and computed keys are flagged', () => {
    expect(parseParameters('({ a, ...rest }) => 1')?.first).toEqual({
      kind: 'destructured',
      keys: ['a'],
      rest: true,
      computed: false,
    });
    expect(parseParameters('({ [k]: v }) => 1')?.first).toEqual({ kind: 'destructured', keys: [], rest: false, computed: true });
  });

  test('non-destructured and missing parameters', () => {
    expect(parseParameters('args => 1')).toEqual({ count: 1, first: { kind: 'other', text: 'args' } });
    expect(parseParameters('async (args) => 1')).toEqual({ count: 1, first: { kind: 'other', text: 'args' } });
    expect(parseParameters('() => []')).toEqual({ count: 0 });
    expect(parseParameters('({ a }, b) => 1')?.count).toBe(2);
  });

  test('real functions are read through their source', () => {
    const op = ({ stagedSource, repository }: { stagedSource: unknown; repository: unknown }) => [stagedSource, repository];
    expect(describeParameters(op)?.first).toEqual({
      kind: 'destructured',
      keys: ['stagedSource', 'repository'],
      rest: false,
      computed: false,
    });
    expect(describeParameters(Math.max)).toBeUndefined();
    expect(describeParameters(op.bind(null))).toBeUndefined();
  });
});
