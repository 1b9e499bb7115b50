/** `hana-vdb list KIND`, `hana-vdb show KIND NAME|ID`, `hana-vdb jobs`, `hana-vdb job show ID`. Read only. */
import { UserError } from '../../../sdk/errors.js';
import { requireDSource, requireEnvironment, requireSnapshot, requireVdb } from '../../workflows/resolve.js';
import type { JobRow } from '../../store/types.js';
import type { App } from '../app.js';
import { optionalString, parse } from '../args.js';
import { block, table } from '../output.js';

export const INSPECT_USAGE = [
  'hana-vdb list environments|repositories|source-configs|dsources|snapshots|vdbs|jobs ' +
    '[--env ENV] [--dsource NAME] [--vdb NAME] [--limit N]',
  'hana-vdb show environment|dsource|vdb NAME',
  'hana-vdb show snapshot|job ID',
  'hana-vdb jobs [--limit N]',
  'hana-vdb job show ID',
];

const HISTORY_COLUMNS = ['id', 'jobId', 'operation', 'dsourceSnapshotId', 'targetSnapshotId', 'vdbSnapshotId', 'outcome', 'error'];

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

function kindOf(word: string | undefined, usage: string): string {
  const kind = word ? KINDS[word] : undefined;
  if (!kind) throw new UserError(word ? `Unknown kind '${word}'.` : 'Missing what to list.', `Usage: ${usage}`);
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

export async function listCommand(app: App, argv: string[]): Promise<number> {
  const usage = INSPECT_USAGE[0]!;
  const p = parse(
    argv,
    { env: { type: 'string' }, dsource: { type: 'string' }, vdb: { type: 'string' }, limit: { type: 'string' } },
    usage,
    { min: 1, max: 1, names: 'what to list' },
  );
  const kind = kindOf(p.positionals[0], usage);
  const store = app.engine().store;
  const env = optionalString(p, 'env');
  if (env !== undefined) requireEnvironment(store, env);
  const dsource = optionalString(p, 'dsource');
  if (dsource !== undefined) requireDSource(store, dsource);
  const vdb = optionalString(p, 'vdb');
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
      return jobsList(app, store.jobs({ objectName: dsource ?? vdb ?? env, limit: limitOf(optionalString(p, 'limit')) }));
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

export async function showCommand(app: App, argv: string[]): Promise<number> {
  const usage = `${INSPECT_USAGE[1]}\n  ${INSPECT_USAGE[2]}`;
  const p = parse(argv, {}, usage, { min: 2, max: 2, names: 'what to show and its name or ID' });
  const kind = kindOf(p.positionals[0], usage);
  const key = p.positionals[1]!;
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
          (`\nRepositories:\n${table(repositories, ['id', 'name', 'present'])}\nSource ` +
            `configs:\n${table(sourceConfigs, ['id', 'repositoryName', 'name', 'present'])}`),
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
          `\nSnapshots:\n${table(snapshots, ['id', 'parentSnapshotId', 'createdAt', 'metadata'])}` +
          `\nRecovery history:\n${table(history, HISTORY_COLUMNS)}`,
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

export async function jobsCommand(app: App, argv: string[]): Promise<number> {
  const p = parse(argv, { limit: { type: 'string' } }, INSPECT_USAGE[3]!, { min: 0, max: 0, names: '' });
  return jobsList(app, app.engine().store.jobs({ limit: limitOf(optionalString(p, 'limit')) }));
}

export async function jobCommand(app: App, argv: string[]): Promise<number> {
  const usage = INSPECT_USAGE[4]!;
  const [sub, ...rest] = argv;
  if (sub !== 'show') throw new UserError(sub ? `Unknown job command '${sub}'.` : 'Missing job command.', `Usage: ${usage}`);
  const p = parse(rest, {}, usage, { min: 1, max: 1, names: 'the job ID' });
  return showJob(app, p.positionals[0]!);
}
