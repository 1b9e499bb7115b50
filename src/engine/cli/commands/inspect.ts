/** `hana-vdb list KIND`, `hana-vdb show KIND NAME|ID`, `hana-vdb jobs`, `hana-vdb job show ID`. Read only. */
import { UserError } from '../../../sdk/errors.js';
import { requireDSource, requireEnvironment, requireSnapshot, requireVdb } from '../../workflows/resolve.js';
import type { JobRow } from '../../store/types.js';
import type { App } from '../app.js';
import { block, table } from '../output.js';
import type { CommandSpec, Values } from '../program.js';
import { keyValues, snapshotTable, vdbText, zoneOf, type Zone } from '../recovery-view.js';

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
      app.print({ snapshots: rows }, snapshotTable(rows, zoneOf(str(o, 'tz'))));
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

type Store = ReturnType<App['engine']>['store'];

function showEnvironment(app: App, store: Store, key: string, zone: Zone): void {
  const env = requireEnvironment(store, key);
  const users = store.environmentUsers(env.id);
  const repositories = store.repositories(env.name);
  const sourceConfigs = store.sourceConfigs({ environmentName: env.name });
  const who = users.map((u) => `${u.name} (${u.authKind === 'key' ? `key ${u.keyFile}` : `password from $${u.passwordEnv}`})`);
  app.print(
    { environment: env, users, repositories, sourceConfigs },
    `Environment ${env.name}\n${keyValues({ ...env, users: who.join(', ') }, zone)}` +
      `\nRepositories:\n${table(repositories, ['id', 'name', 'present'])}` +
      `\nSource configs:\n${table(sourceConfigs, ['id', 'repositoryName', 'name', 'present'])}`,
  );
}

function showDSource(app: App, store: Store, key: string, zone: Zone): void {
  const ds = requireDSource(store, key);
  const snapshots = store.snapshots({ dsourceName: ds.name, kind: 'dsource' });
  const { parameters, mounts, policy, ...rest } = ds;
  app.print(
    { dsource: ds, snapshots, vdbs: store.vdbsOfDSource(ds.id) },
    `dSource ${ds.name}: ${ds.status}\n${keyValues(rest, zone)}\nSnapshots:\n${snapshotTable(snapshots, zone)}` +
      `\nParameters:\n${keyValues(parameters, zone)}${policy ? `\nPolicy:\n${keyValues(policy, zone)}` : ''}` +
      `\nMounts: ${mounts.length}\n`,
  );
}

function showVdb(app: App, store: Store, key: string, zone: Zone): void {
  const vdb = requireVdb(store, key);
  const snapshots = store.snapshots({ vdbName: vdb.name });
  const history = store.recoveryHistory(vdb.name);
  app.print({ vdb, snapshots, history }, vdbText(vdb, history, snapshots, zone));
}

function showById(app: App, store: Store, kind: string, key: string, zone: Zone): void {
  if (kind === 'snapshots') {
    const snap = requireSnapshot(store, idOf(key, 'snapshot'));
    const { metadata, ...rest } = snap;
    app.print(
      { snapshot: snap },
      `Snapshot ${snap.id} (times ${zone.label})\n${keyValues(rest, zone)}\nMetadata:\n${keyValues(metadata, zone)}`,
    );
    return;
  }
  const what = kind === 'repositories' ? 'repository' : 'source config';
  const id = idOf(key, what);
  const row = kind === 'repositories' ? store.repository(id) : store.sourceConfig(id);
  if (!row) throw new UserError(`No ${what} with ID ${id}.`, `See hana-vdb list ${kind}.`);
  app.print(kind === 'repositories' ? { repository: row } : { sourceConfig: row }, keyValues({ ...row }, zone));
}

async function showCommand(app: App, word: string, key: string, o: Values): Promise<number> {
  const kind = kindOf(word, SHOW_KINDS, 'show');
  const zone = zoneOf(str(o, 'tz'));
  const store = app.engine().store;
  if (kind === 'environments') showEnvironment(app, store, key, zone);
  else if (kind === 'dsources') showDSource(app, store, key, zone);
  else if (kind === 'vdbs') showVdb(app, store, key, zone);
  else if (kind === 'jobs') return showJob(app, key);
  else showById(app, store, kind, key, zone);
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
