/**
 * Where `hana-vdb dsource check` runs from (src/engine/workflows/dsource-check.ts checkTarget), over a store of
 * environments, repositories and VDBs: --vdb takes that VDB's target and parameters; without options the dSource's
 * VDBs decide when they sit on one target (the newest VDB's parameters) and the user chooses when they do not;
 * --env/--repository take --params or a VDB of the dSource there. No host is reached.
 */
import { UserError } from '../../src/sdk/errors.js';
import type { Engine } from '../../src/engine/engine.js';
import type { DSourceRow, VdbRow } from '../../src/engine/store/types.js';
import { checkTarget } from '../../src/engine/workflows/dsource-check.js';

const envs = [
  { id: 1, name: 'prd', reference: 'UNIX_HOST_ENVIRONMENT-1' },
  { id: 2, name: 'qas', reference: 'UNIX_HOST_ENVIRONMENT-2' },
  { id: 3, name: 'dev', reference: 'UNIX_HOST_ENVIRONMENT-3' },
];
const repos = [
  { id: 20, name: 'QAS HDB10', environmentName: 'qas', present: true, identity: { sid: 'QAS' }, object: { sid: 'QAS' } },
  { id: 30, name: 'DEV HDB20', environmentName: 'dev', present: true, identity: { sid: 'DEV' }, object: { sid: 'DEV' } },
];
const ds = { id: 7, name: 'erp', guid: 'g-erp', environmentId: 1 } as unknown as DSourceRow;

function vdb(name: string, envId: number, repoId: number, createdAt: string, dsourceId = 7): VdbRow {
  const env = envs.find((e) => e.id === envId)!;
  const repo = repos.find((r) => r.id === repoId)!;
  return {
    id: createdAt.length + name.length,
    name,
    guid: `g-${name}`,
    dsourceId,
    dsourceName: dsourceId === 7 ? 'erp' : 'hr',
    environmentId: envId,
    environmentName: env.name,
    repositoryId: repoId,
    repositoryName: repo.name,
    parameters: { targetTenant: name.toUpperCase() },
    createdAt,
  } as unknown as VdbRow;
}

function engineWith(vdbs: VdbRow[]): Engine {
  const store = {
    vdb: (n: string) => vdbs.find((v) => v.name === n),
    vdbs: () => vdbs,
    vdbsOfDSource: (id: number) => vdbs.filter((v) => v.dsourceId === id),
    repository: (id: number) => repos.find((r) => r.id === id),
    repositories: (envName: string) => repos.filter((r) => r.environmentName === envName),
    environment: (n: string) => envs.find((e) => e.name === n),
    environments: () => envs,
    environmentById: (id: number) => envs.find((e) => e.id === id),
  };
  return { store } as unknown as Engine;
}

const userError = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
};

test("--vdb: that VDB's environment, repository and parameters; a VDB of another dSource is refused", () => {
  const e = engineWith([vdb('qa1', 2, 20, '2026-03-01T10:00:00Z'), vdb('hr1', 3, 30, '2026-03-01T10:00:00Z', 8)]);
  const t = checkTarget(e, ds, { dsource: 'erp', vdb: 'qa1' });
  expect([t.env.name, t.repository.name, t.vdb, t.parameters]).toEqual(['qas', 'QAS HDB10', 'qa1', { targetTenant: 'QA1' }]);
  expect(userError(() => checkTarget(e, ds, { dsource: 'erp', vdb: 'hr1' })).message).toBe(
    "VDB 'hr1' was provisioned from dSource 'hr', not 'erp'.",
  );
});

test('no options: the one target of the VDBs, with the newest VDB there; two targets: the user chooses', () => {
  const one = engineWith([vdb('qa1', 2, 20, '2026-03-01T10:00:00Z'), vdb('qa2', 2, 20, '2026-03-02T10:00:00Z')]);
  const t = checkTarget(one, ds, { dsource: 'erp' });
  expect([t.env.name, t.vdb]).toEqual(['qas', 'qa2']);
  const two = engineWith([vdb('qa1', 2, 20, '2026-03-01T10:00:00Z'), vdb('dev1', 3, 30, '2026-03-02T10:00:00Z')]);
  const err = userError(() => checkTarget(two, ds, { dsource: 'erp' }));
  expect(err.message).toBe("The VDBs of dSource 'erp' are on 2 targets (qas / QAS HDB10; dev / DEV HDB20); a check runs from one.");
  expect(err.action).toContain('--vdb VDB, or --env ENV --repository REPO');
});

test('--env/--repository: --params first, else a VDB of the dSource there, else ask for --params', () => {
  const e = engineWith([vdb('qa1', 2, 20, '2026-03-01T10:00:00Z')]);
  const given = checkTarget(e, ds, { dsource: 'erp', environment: 'dev', repository: 'DEV', parameters: { targetTenant: 'D1' } });
  expect([given.env.name, given.repository.name, given.vdb, given.parameters]).toEqual([
    'dev',
    'DEV HDB20',
    null,
    { targetTenant: 'D1' },
  ]);
  expect(checkTarget(e, ds, { dsource: 'erp', environment: 'qas', repository: 'QAS HDB10' }).vdb).toBe('qa1');
  expect(userError(() => checkTarget(e, ds, { dsource: 'erp', environment: 'dev', repository: 'DEV HDB20' })).action).toContain(
    '--params vdb.json',
  );
  expect(userError(() => checkTarget(e, ds, { dsource: 'erp', environment: 'dev' })).message).toBe(
    '--env and --repository name the target together.',
  );
  expect(userError(() => checkTarget(e, ds, { dsource: 'erp', parameters: {} })).message).toContain('--params needs the target');
});
