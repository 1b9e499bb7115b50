/** `hana-vdb list KIND`, `hana-vdb show KIND NAME|ID`, `hana-vdb jobs`, `hana-vdb job show ID`. Read only. */
import { UserError } from '../../../sdk/errors.js';
import { requireDSource, requireEnvironment, requireSnapshot, requireVdb } from '../../workflows/resolve.js';
import type { JobRow } from '../../store/types.js';
import type { App } from '../app.js';
import { block, table } from '../output.js';
import type { CommandSpec, Values } from '../program.js';

const LIST_KINDS = ['environments', 'repositories', 'source-configs', 'dsources', 'snapshots', 'vdbs', 'jobs'];
const SHOW_KINDS = ['environment', 'repository', 'source-config', 'dsource', 'snapshot', 'vdb', 'job'];
const str = (v: Values, key: string): string | undefined => (typeof v[key] === 'string' ? (v[key] as string) : undefined);

const KINDS: Record<string, string> = {
  environment: 'environments',
  environments: 'environments',
  env: 'environments',
  repository: 'repositories',
  repositories: 'repositories',
  repos: 'repositories',
  'source-config': 'source-configs',
  'source-configs': 'source-configs',
  dsource: 'dsources',
  dsources: 'dsources',
  snapshot: 'snapshots',
  snapshots: 'snapshots',
  vdb: 'vdbs',
  vdbs: 'vdbs',
  job: 'jobs',
  jobs: 'jobs',
};

function kindOf(word: string, kinds: string[], command: string): string {
  const kind = KINDS[word];
  if (!kind) throw new UserError(`Unknown kind '${word}'.`, `Use one of ${kinds.join(', ')}; see hana-vdb ${command} --help.`);
  return kind;
}

function limitOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new UserError(`--limit '${text}' is not a positive integer.`, 'Use e.g. --limit 20.');
  return Number(text);
}

function idOf(text: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text))
    throw new UserError(`'${text}' is not a ${what} ID.`, `${what} IDs are positive integers; see hana-vdb list ${what}s.`);
  return Number(text);
}

async function listCommand(app: App, word: string, o: Values): Promise<number> {
  const kind = kindOf(word, LIST_KINDS, 'list');
  const store = app.engine().store;
  const env = str(o, 'env');
  if (env !== undefined) requireEnvironment(store, env);
  const dsource = str(o, 'dsource');
  if (dsource !== undefined) requireDSource(store, dsource);
  const vdb = str(o, 'vdb');
  if (vdb !== undefined) requireVdb(store, vdb);
  switch (kind) {
    case 'environments': {
      const rows = store.environments();
      app.print(
        { environments: rows },
        table(
          rows.map((e) => ({ ...e, address: `${e.address}:${e.port}` })),
          ['name', 'reference', 'address', 'discoveredAt'],
        ),
      );
      break;
    }
    case 'repositories': {
      const rows = store.repositories(env);
      app.print({ repositories: rows }, table(rows, ['id', 'environmentName', 'name', 'present']));
      break;
    }
    case 'source-configs': {
      const rows = store.sourceConfigs({ environmentName: env });
      app.print({ sourceConfigs: rows }, table(rows, ['id', 'environmentName', 'repositoryName', 'name', 'present']));
      break;
    }
    case 'dsources': {
      const rows = store.dsources();
      app.print({ dsources: rows }, table(rows, ['name', 'status', 'environmentName', 'repositoryName', 'sourceConfigName']));
      break;
    }
    case 'snapshots': {
      const rows = store.snapshots({ dsourceName: dsource, vdbName: vdb });
      app.print(
        { snapshots: rows },
        table(rows, ['id', 'kind', 'dsourceName', 'vdbName', 'parentSnapshotId', 'createdAt', 'metadata']),
      );
      break;
    }
    case 'vdbs': {
      const rows = store.vdbs();
      app.print(
        { vdbs: rows },
        table(rows, ['name', 'status', 'environmentName', 'dsourceName', 'provisionedFromSnapshotId', 'currentSnapshotId']),
      );
      break;
    }
    case 'jobs':
      return jobsList(app, store.jobs({ objectName: dsource ?? vdb ?? env, limit: limitOf(str(o, 'limit')) }));
  }
  return 0;
}

function jobsList(app: App, rows: JobRow[]): number {
  app.print({ jobs: rows }, table(rows, ['id', 'operation', 'objectName', 'outcome', 'startedAt', 'endedAt', 'error']));
  return 0;
}

function showJob(app: App, idText: string): number {
  const store = app.engine().store;
  const job = store.job(idOf(idText, 'job'));
  if (!job) throw new UserError(`No job with ID ${idText}.`, 'See hana-vdb jobs.');
  const log = store.jobLog(job.id);
  app.print(
    { job, log },
    block({ ...job }) + '\nLog:\n' + log.map((l) => `  ${l.at} ${l.level.padEnd(5)} ${l.message}`).join('\n') + '\n',
  );
  return 0;
}

async function showCommand(app: App, word: string, key: string, o: Values): Promise<number> {
  const kind = kindOf(word, SHOW_KINDS, 'show');
  const store = app.engine().store;
  switch (kind) {
    case 'environments': {
      const env = requireEnvironment(store, key);
      const users = store.environmentUsers(env.id);
      const repositories = store.repositories(env.name);
      const sourceConfigs = store.sourceConfigs({ environmentName: env.name });
      app.print(
        { environment: env, users, repositories, sourceConfigs },
        block({
          ...env,
          users: users
            .map((u) => `${u.name} (${u.authKind === 'key' ? `key ${u.keyFile}` : `password from $${u.passwordEnv}`})`)
            .join(', '),
        }) +
          `\nRepositories:\n${table(repositories, ['id', 'name', 'present'])}\nSource configs:\n${table(sourceConfigs, ['id', 'repositoryName', 'name', 'present'])}`,
      );
      return 0;
    }
    case 'dsources': {
      const ds = requireDSource(store, key);
      const snapshots = store.snapshots({ dsourceName: ds.name, kind: 'dsource' });
      app.print(
        { dsource: ds, snapshots, vdbs: store.vdbsOfDSource(ds.id) },
        block({ ...ds }) + `\nSnapshots:\n${table(snapshots, ['id', 'createdAt', 'metadata'])}`,
      );
      return 0;
    }
    case 'vdbs': {
      const vdb = requireVdb(store, key);
      const snapshots = store.snapshots({ vdbName: vdb.name });
      const history = store.recoveryHistory(vdb.name);
      app.print(
        { vdb, snapshots, history },
        block({ ...vdb }) +
          `\nSnapshots:\n${table(snapshots, ['id', 'parentSnapshotId', 'createdAt', 'metadata'])}\nRecovery history:\n${table(history, ['id', 'jobId', 'operation', 'dsourceSnapshotId', 'targetSnapshotId', 'vdbSnapshotId', 'outcome', 'error'])}`,
      );
      return 0;
    }
    case 'snapshots': {
      const snap = requireSnapshot(store, idOf(key, 'snapshot'));
      app.print({ snapshot: snap }, block({ ...snap }));
      return 0;
    }
    case 'jobs':
      return showJob(app, key);
    case 'repositories':
    case 'source-configs': {
      const id = idOf(key, kind === 'repositories' ? 'repository' : 'source config');
      const row = kind === 'repositories' ? store.repository(id) : store.sourceConfig(id);
      if (!row)
        throw new UserError(
          `No ${kind === 'repositories' ? 'repository' : 'source config'} with ID ${id}.`,
          `See hana-vdb list ${kind}.`,
        );
      app.print(kind === 'repositories' ? { repository: row } : { sourceConfig: row }, block({ ...row }));
      return 0;
    }
  }
  return 0;
}

export function inspectSpecs(app: App): CommandSpec[] {
  return [
    {
      name: 'list',
      summary: 'list environments, repositories, source configs, dSources, snapshots, VDBs or jobs',
      args: ['<KIND>'],
      argChoices: LIST_KINDS,
      options: [
        { flags: '--env <ENV>', description: 'only this environment' },
        { flags: '--dsource <NAME>', description: 'only this dSource (snapshots, jobs)' },
        { flags: '--vdb <NAME>', description: 'only this VDB (snapshots, jobs)' },
        { flags: '--limit <N>', description: 'at most N jobs' },
        { flags: '--tz <ZONE>', description: 'show times in this IANA zone (default UTC), e.g. Europe/Berlin' },
      ],
      examples: ['hana-vdb list vdbs', 'hana-vdb list snapshots --dsource erp --tz Europe/Berlin', 'hana-vdb list jobs --limit 20'],
      notes: `KIND: ${LIST_KINDS.join(', ')}.`,
      action: ([kind], o) => listCommand(app, kind!, o),
    },
    {
      name: 'show',
      summary: 'one object in detail (a VDB with its recovery history)',
      args: ['<KIND>', '<NAME|ID>'],
      argChoices: SHOW_KINDS,
      options: [{ flags: '--tz <ZONE>', description: 'show times in this IANA zone (default UTC)' }],
      examples: ['hana-vdb show vdb qa1', 'hana-vdb show vdb qa1 --tz America/New_York', 'hana-vdb show snapshot 3 --json'],
      notes: `KIND: ${SHOW_KINDS.join(', ')}\n(snapshots, repositories, source configs and jobs by ID).`,
      action: ([kind, key], o) => showCommand(app, kind!, key!, o),
    },
    {
      name: 'jobs',
      summary: 'the newest jobs first',
      options: [{ flags: '--limit <N>', description: 'at most N jobs' }],
      examples: ['hana-vdb jobs', 'hana-vdb jobs --limit 5 --json'],
      action: async (_args, o) => jobsList(app, app.engine().store.jobs({ limit: limitOf(str(o, 'limit')) })),
    },
    {
      name: 'job',
      summary: 'one job',
      examples: ['hana-vdb job show 12'],
      subcommands: [
        {
          name: 'show',
          summary: 'a job with its log',
          args: ['<ID>'],
          examples: ['hana-vdb job show 12'],
          action: async ([id]) => showJob(app, id!),
        },
      ],
    },
  ];
}
