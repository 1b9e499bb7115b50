/** `hana-vdb dsource link|sync|enable|disable|delete`. */
import { deleteDSource, disableDSource, enableDSource, linkDSource, syncDSource } from '../../workflows/dsource.js';
import { requireDSource } from '../../workflows/resolve.js';
import type { App } from '../app.js';
import { readParamsFile } from '../params.js';
import type { CommandSpec, Values } from '../program.js';
import { checkName } from './env.js';

async function link(app: App, nameText: string, o: Values): Promise<number> {
  const name = checkName('dSource', nameText);
  const [environment, repository, sourceConfig, file] = [o.env, o.repository, o.sourceConfig, o.params] as [
    string,
    string,
    string,
    string,
  ];
  const engine = app.engine();
  const parameters = readParamsFile(file, (await engine.plugin()).schema, 'linkedSourceDefinition');
  const { dsource, snapshot } = await linkDSource(engine, { name, environment, repository, sourceConfig, parameters });
  app.print(
    { dsource, snapshot },
    `dSource ${dsource.name} linked (${dsource.sourceConfigName} in ${dsource.repositoryName}); snapshot ${snapshot.id}.\n`,
  );
  return 0;
}

async function sync(app: App, name: string, o: Values): Promise<number> {
  const engine = app.engine();
  requireDSource(engine.store, name);
  const schema = (await engine.plugin()).schema;
  const file = typeof o.params === 'string' ? o.params : undefined;
  const parameters = file
    ? readParamsFile(file, schema, 'snapshotParametersDefinition')
    : schema.withDefaults('snapshotParametersDefinition', {});
  const snapshot = await syncDSource(engine, name, parameters);
  app.print({ snapshot }, `dSource ${name} synced; snapshot ${snapshot.id}.\n`);
  return 0;
}

async function simple(app: App, sub: 'enable' | 'disable' | 'delete', name: string): Promise<number> {
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

const simpleSpec = (app: App, sub: 'enable' | 'disable' | 'delete', summary: string): CommandSpec => ({
  name: sub,
  summary,
  args: ['<NAME>'],
  examples: [`hana-vdb dsource ${sub} erp`],
  action: ([name]) => simple(app, sub, name!),
});

export function dsourceSpec(app: App): CommandSpec {
  return {
    name: 'dsource',
    summary: 'source tenant databases: link, sync, enable, disable, delete',
    examples: [
      'hana-vdb dsource link erp --env prd --repository "PRD HDB00 2.00.059" \\\n      --source-config ERP --params link.json',
      'hana-vdb dsource sync erp',
    ],
    subcommands: [
      {
        name: 'link',
        summary: 'link a source tenant and take its first snapshot',
        args: ['<NAME>'],
        options: [
          { flags: '--env <ENV>', description: 'environment of the source system', required: true },
          { flags: '--repository <REPO>', description: 'HANA system (repository) on that environment', required: true },
          { flags: '--source-config <TENANT>', description: 'the source tenant database', required: true },
          { flags: '--params <FILE>', description: 'linked source parameters (JSON)', required: true },
        ],
        examples: [
          'hana-vdb dsource link erp --env prd --repository "PRD HDB00 2.00.059" \\\n      --source-config ERP --params link.json',
        ],
        action: ([name], o) => link(app, name!, o),
      },
      {
        name: 'sync',
        summary: 'take a snapshot (origin = now UTC minus the RPO offset)',
        args: ['<NAME>'],
        options: [{ flags: '--params <FILE>', description: 'snapshot parameters (JSON)' }],
        examples: ['hana-vdb dsource sync erp', 'hana-vdb dsource sync erp --params snap.json'],
        action: ([name], o) => sync(app, name!, o),
      },
      simpleSpec(app, 'enable', 'enable a disabled dSource'),
      simpleSpec(app, 'disable', 'disable a dSource (no syncs until enabled)'),
      simpleSpec(app, 'delete', 'delete a dSource (refused while VDBs use it)'),
    ],
  };
}
