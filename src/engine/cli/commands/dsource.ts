/** `hana-vdb dsource link|sync|enable|disable|delete`. */
import { UserError } from '../../../sdk/errors.js';
import { deleteDSource, disableDSource, enableDSource, linkDSource, syncDSource } from '../../workflows/dsource.js';
import { requireDSource } from '../../workflows/resolve.js';
import type { App } from '../app.js';
import { optionalString, parse, requireOption } from '../args.js';
import { readParamsFile } from '../params.js';
import { checkName } from './env.js';

export const DSOURCE_USAGE = [
  'hana-vdb dsource link NAME --env ENV --repository REPO --source-config TENANT --params FILE',
  'hana-vdb dsource sync NAME [--params FILE]',
  'hana-vdb dsource enable|disable|delete NAME',
];

async function link(app: App, argv: string[]): Promise<number> {
  const usage = DSOURCE_USAGE[0]!;
  const p = parse(
    argv,
    { env: { type: 'string' }, repository: { type: 'string' }, 'source-config': { type: 'string' }, params: { type: 'string' } },
    usage,
    { min: 1, max: 1, names: 'the dSource NAME' },
  );
  const name = checkName('dSource', p.positionals[0]!);
  const environment = requireOption(p, 'env', usage);
  const repository = requireOption(p, 'repository', usage);
  const sourceConfig = requireOption(p, 'source-config', usage);
  const file = requireOption(p, 'params', usage);
  const engine = app.engine();
  const parameters = readParamsFile(file, (await engine.plugin()).schema, 'linkedSourceDefinition');
  const { dsource, snapshot } = await linkDSource(engine, { name, environment, repository, sourceConfig, parameters });
  app.print(
    { dsource, snapshot },
    `dSource ${dsource.name} linked (${dsource.sourceConfigName} in ${dsource.repositoryName}); snapshot ${snapshot.id}.\n`,
  );
  return 0;
}

async function sync(app: App, argv: string[]): Promise<number> {
  const p = parse(argv, { params: { type: 'string' } }, DSOURCE_USAGE[1]!, { min: 1, max: 1, names: 'the dSource NAME' });
  const engine = app.engine();
  requireDSource(engine.store, p.positionals[0]!);
  const schema = (await engine.plugin()).schema;
  const file = optionalString(p, 'params');
  const parameters = file
    ? readParamsFile(file, schema, 'snapshotParametersDefinition')
    : schema.withDefaults('snapshotParametersDefinition', {});
  const snapshot = await syncDSource(engine, p.positionals[0]!, parameters);
  app.print({ snapshot }, `dSource ${p.positionals[0]} synced; snapshot ${snapshot.id}.\n`);
  return 0;
}

async function simple(app: App, sub: 'enable' | 'disable' | 'delete', argv: string[]): Promise<number> {
  const p = parse(argv, {}, DSOURCE_USAGE[2]!, { min: 1, max: 1, names: 'the dSource NAME' });
  const name = p.positionals[0]!;
  const engine = app.engine();
  if (sub === 'delete') {
    await deleteDSource(engine, name);
    app.print({ deleted: name }, `dSource ${name} deleted.\n`);
    return 0;
  }
  const ds = sub === 'enable' ? await enableDSource(engine, name) : await disableDSource(engine, name);
  app.print({ dsource: ds }, `dSource ${name} is ${ds.status}.\n`);
  return 0;
}

export async function dsourceCommand(app: App, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'link') return link(app, rest);
  if (sub === 'sync') return sync(app, rest);
  if (sub === 'enable' || sub === 'disable' || sub === 'delete') return simple(app, sub, rest);
  throw new UserError(
    sub ? `Unknown dsource command '${sub}'.` : 'Missing dsource command.',
    `Usage:\n  ${DSOURCE_USAGE.join('\n  ')}`,
  );
}
