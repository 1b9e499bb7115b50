/** `hana-vdb vdb provision|refresh|rewind|snapshot|start|stop|enable|disable|delete`. */
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
import { readParamsFile } from '../params.js';
import type { CommandSpec, Values } from '../program.js';
import { checkName } from './env.js';

async function provision(app: App, nameText: string, o: Values): Promise<number> {
  const name = checkName('VDB', nameText);
  const [snapshotText, environment, repository, file] = [o.snapshot, o.env, o.repository, o.params] as [
    string,
    string,
    string,
    string,
  ];
  const snapshotId = parseSnapshotId(snapshotText);
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

async function refresh(app: App, name: string, o: Values): Promise<number> {
  const text = typeof o.snapshot === 'string' ? o.snapshot : undefined;
  const engine = app.engine();
  const { vdb, snapshot } = await refreshVdb(engine, name, text === undefined ? undefined : parseSnapshotId(text));
  app.print(
    { vdb, snapshot },
    `VDB ${vdb.name} refreshed from snapshot ${vdb.provisionedFromSnapshotId}; VDB snapshot ${snapshot.id}.\n`,
  );
  return 0;
}

async function rewind(app: App, name: string, o: Values): Promise<number> {
  const id = parseSnapshotId(o.snapshot as string);
  const vdb = await rewindVdb(app.engine(), name, id);
  app.print({ vdb }, `VDB ${vdb.name} rewound to snapshot ${id}.\n`);
  return 0;
}

async function remove(app: App, name: string, o: Values): Promise<number> {
  await deleteVdb(app.engine(), name, o.force === true);
  app.print({ deleted: name }, `VDB ${name} deleted.\n`);
  return 0;
}

async function simple(app: App, sub: string, name: string): Promise<number> {
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

const SNAPSHOT_HELP = 'snapshot ID (hana-vdb list snapshots)';

const simpleSpec = (app: App, sub: string, summary: string): CommandSpec => ({
  name: sub,
  summary,
  args: ['<NAME>'],
  examples: [`hana-vdb vdb ${sub} qa1`],
  action: ([name]) => simple(app, sub, name!),
});

const provisionSpec = (app: App): CommandSpec => ({
  name: 'provision',
  summary: 'create a VDB: recover a target tenant to a snapshot (RECOVER ... UNTIL)',
  args: ['<NAME>'],
  options: [
    { flags: '--snapshot <ID>', description: SNAPSHOT_HELP, required: true },
    { flags: '--env <ENV>', description: 'environment of the target system', required: true },
    { flags: '--repository <REPO>', description: 'target HANA system (repository)', required: true },
    { flags: '--params <FILE>', description: 'virtual source parameters (JSON)', required: true },
  ],
  examples: [
    'hana-vdb vdb provision qa1 --snapshot 3 --env qas \\\n      --repository "QAS HDB10 2.00.059" --params vdb.json',
    'hana-vdb plan --snapshot 3 --env qas \\\n      --repository "QAS HDB10 2.00.059" --params vdb.json   # preview first',
  ],
  action: ([name], o) => provision(app, name!, o),
});

export function vdbSpec(app: App): CommandSpec {
  return {
    name: 'vdb',
    summary: 'virtual databases: provision, refresh, rewind, snapshot, start, stop, enable, disable, delete',
    examples: ['hana-vdb vdb provision --help', 'hana-vdb vdb refresh qa1', 'hana-vdb vdb rewind qa1 --snapshot 7'],
    subcommands: [
      provisionSpec(app),
      {
        name: 'refresh',
        summary: "recover the VDB again to its dSource's newest (or the given) snapshot",
        args: ['<NAME>'],
        options: [{ flags: '--snapshot <ID>', description: SNAPSHOT_HELP }],
        examples: ['hana-vdb vdb refresh qa1', 'hana-vdb vdb refresh qa1 --snapshot 5'],
        action: ([name], o) => refresh(app, name!, o),
      },
      {
        name: 'rewind',
        summary: 'recover the VDB to one of its own snapshots',
        args: ['<NAME>'],
        options: [{ flags: '--snapshot <ID>', description: 'a VDB snapshot ID of this VDB', required: true }],
        examples: ['hana-vdb vdb rewind qa1 --snapshot 7'],
        action: ([name], o) => rewind(app, name!, o),
      },
      simpleSpec(app, 'snapshot', 'record the VDB as it is now'),
      simpleSpec(app, 'start', 'start the target tenant'),
      simpleSpec(app, 'stop', 'stop the target tenant'),
      simpleSpec(app, 'enable', 'enable a disabled VDB'),
      simpleSpec(app, 'disable', 'disable a VDB'),
      {
        name: 'delete',
        summary: 'drop the VDB (its target tenant is stopped and cleaned up)',
        args: ['<NAME>'],
        options: [{ flags: '--force', description: 'delete the record even when the host cannot be reached' }],
        examples: ['hana-vdb vdb delete qa1', 'hana-vdb vdb delete qa1 --force'],
        action: ([name], o) => remove(app, name!, o),
      },
    ],
  };
}
