/** `hana-vdb vdb provision|refresh|rewind|snapshot|start|stop|enable|disable|delete`. */
import { UserError } from '../../../sdk/errors.js';
import { parseSnapshotId, requireSnapshot } from '../../workflows/resolve.js';
import {
  deleteVdb,
  disableVdb,
  enableVdb,
  provisionVdb,
  refreshVdb,
  rewindVdb,
  snapshotVdb,
  startVdb,
  stopVdb,
} from '../../workflows/vdb.js';
import type { App } from '../app.js';
import { optionalString, parse, requireOption } from '../args.js';
import { readParamsFile } from '../params.js';
import { checkName } from './env.js';

export const VDB_USAGE = [
  'hana-vdb vdb provision NAME --snapshot ID --env ENV --repository REPO --params FILE',
  'hana-vdb vdb refresh NAME [--snapshot ID]',
  'hana-vdb vdb rewind NAME --snapshot ID',
  'hana-vdb vdb snapshot|start|stop|enable|disable NAME',
  'hana-vdb vdb delete NAME [--force]',
];

async function provision(app: App, argv: string[]): Promise<number> {
  const usage = VDB_USAGE[0]!;
  const p = parse(
    argv,
    { snapshot: { type: 'string' }, env: { type: 'string' }, repository: { type: 'string' }, params: { type: 'string' } },
    usage,
    { min: 1, max: 1, names: 'the VDB NAME' },
  );
  const name = checkName('VDB', p.positionals[0]!);
  const snapshotId = parseSnapshotId(requireOption(p, 'snapshot', usage));
  const environment = requireOption(p, 'env', usage);
  const repository = requireOption(p, 'repository', usage);
  const file = requireOption(p, 'params', usage);
  const engine = app.engine();
  requireSnapshot(engine.store, snapshotId);
  const parameters = readParamsFile(file, (await engine.plugin()).schema, 'virtualSourceDefinition');
  const { vdb, snapshot } = await provisionVdb(engine, { name, snapshotId, environment, repository, parameters });
  app.print(
    { vdb, snapshot, history: engine.store.recoveryHistory(vdb.name) },
    `VDB ${vdb.name} provisioned from snapshot ${snapshotId}; VDB snapshot ${snapshot.id}.\n`,
  );
  return 0;
}

async function refresh(app: App, argv: string[]): Promise<number> {
  const p = parse(argv, { snapshot: { type: 'string' } }, VDB_USAGE[1]!, { min: 1, max: 1, names: 'the VDB NAME' });
  const text = optionalString(p, 'snapshot');
  const engine = app.engine();
  const { vdb, snapshot } = await refreshVdb(engine, p.positionals[0]!, text === undefined ? undefined : parseSnapshotId(text));
  app.print(
    { vdb, snapshot },
    `VDB ${vdb.name} refreshed from snapshot ${vdb.provisionedFromSnapshotId}; VDB snapshot ${snapshot.id}.\n`,
  );
  return 0;
}

async function rewind(app: App, argv: string[]): Promise<number> {
  const usage = VDB_USAGE[2]!;
  const p = parse(argv, { snapshot: { type: 'string' } }, usage, { min: 1, max: 1, names: 'the VDB NAME' });
  const id = parseSnapshotId(requireOption(p, 'snapshot', usage));
  const vdb = await rewindVdb(app.engine(), p.positionals[0]!, id);
  app.print({ vdb }, `VDB ${vdb.name} rewound to snapshot ${id}.\n`);
  return 0;
}

async function remove(app: App, argv: string[]): Promise<number> {
  const p = parse(argv, { force: { type: 'boolean' } }, VDB_USAGE[4]!, { min: 1, max: 1, names: 'the VDB NAME' });
  await deleteVdb(app.engine(), p.positionals[0]!, p.values.force === true);
  app.print({ deleted: p.positionals[0] }, `VDB ${p.positionals[0]} deleted.\n`);
  return 0;
}

async function simple(app: App, sub: string, argv: string[]): Promise<number> {
  const p = parse(argv, {}, VDB_USAGE[3]!, { min: 1, max: 1, names: 'the VDB NAME' });
  const name = p.positionals[0]!;
  const engine = app.engine();
  if (sub === 'snapshot') {
    const snapshot = await snapshotVdb(engine, name);
    app.print({ snapshot }, `VDB ${name}: snapshot ${snapshot.id}.\n`);
    return 0;
  }
  const fn = { start: startVdb, stop: stopVdb, enable: enableVdb, disable: disableVdb }[sub as 'start']!;
  const vdb = await fn(engine, name);
  app.print({ vdb }, `VDB ${name} is ${vdb.status}.\n`);
  return 0;
}

export async function vdbCommand(app: App, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'provision':
      return provision(app, rest);
    case 'refresh':
      return refresh(app, rest);
    case 'rewind':
      return rewind(app, rest);
    case 'delete':
      return remove(app, rest);
    case 'snapshot':
    case 'start':
    case 'stop':
    case 'enable':
    case 'disable':
      return simple(app, sub, rest);
    default:
      throw new UserError(sub ? `Unknown vdb command '${sub}'.` : 'Missing vdb command.', `Usage:\n  ${VDB_USAGE.join('\n  ')}`);
  }
}
