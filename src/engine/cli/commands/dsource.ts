/** `hana-vdb dsource link|sync|check|enable|disable|delete`. */
import { checkDSource, type DSourceCheckResult } from '../../workflows/dsource-check.js';
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

/** Exit code of `dsource check` when a line fails: a finding, as `hana-vdb plan` uses 3. */
export const CHECK_FAILED_EXIT = 3;

export function checkText(r: DSourceCheckResult): string {
  const rep = r.report;
  const target = rep.target as { sid?: string; host?: string } | undefined;
  const head =
    `Backup source check of dSource ${r.dsource} (${String(rep.source)}, ${String(rep.backupSource)}) from ` +
    `${target?.sid ?? r.target.repository} on ${target?.host ?? r.target.environment}` +
    `${r.target.vdb ? ` as VDB ${r.target.vdb} sees it` : ''}; nothing was changed.\n` +
    `Parameter file: ${String(rep.parameterFile ?? '-')}; source clock: ${String(rep.checkedAt ?? '-')}\n`;
  const lines = rep.lines
    .map((l) => `  ${l.verdict.toUpperCase().padEnd(4)} ${l.title}: ${l.found}\n${l.fix ? `       fix: ${l.fix}\n` : ''}`)
    .join('');
  return `${head}${lines}Verdict: ${rep.verdict.toUpperCase()}\n`;
}

async function check(app: App, name: string, o: Values): Promise<number> {
  const engine = app.engine();
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const file = str('params');
  const parameters = file ? readParamsFile(file, (await engine.plugin()).schema, 'virtualSourceDefinition') : undefined;
  const result = await checkDSource(engine, {
    dsource: name,
    ...(str('vdb') !== undefined ? { vdb: str('vdb') } : {}),
    ...(str('env') !== undefined ? { environment: str('env') } : {}),
    ...(str('repository') !== undefined ? { repository: str('repository') } : {}),
    ...(parameters ? { parameters } : {}),
  });
  app.print(result, checkText(result));
  return result.report.verdict === 'fail' ? CHECK_FAILED_EXIT : 0;
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
    summary: 'source tenant databases: link, sync, check, enable, disable, delete',
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
      {
        name: 'check',
        summary: "check the dSource's backup tool from a target host, as a provision would (changes nothing)",
        args: ['<NAME>'],
        options: [
          { flags: '--vdb <VDB>', description: "check from this VDB's target with its parameters" },
          { flags: '--env <ENV>', description: 'target environment (with --repository)' },
          { flags: '--repository <REPO>', description: 'target HANA system on that environment' },
          { flags: '--params <FILE>', description: 'VDB parameters (JSON) to check with (keys on the target)' },
        ],
        examples: [
          'hana-vdb dsource check erp',
          'hana-vdb dsource check erp --vdb qa1',
          'hana-vdb dsource check erp --env qas --repository "QAS HDB10 2.00.076" --params vdb.json',
        ],
        notes:
          "Without --vdb or --env: from the target of the dSource's VDBs, when they are all on one.\n" +
          'Exit codes: 0 no line FAILs (OK or WARN), 3 a line FAILs (a finding), 1 bad input.',
        action: ([name], o) => check(app, name!, o),
      },
      simpleSpec(app, 'enable', 'enable a disabled dSource'),
      simpleSpec(app, 'disable', 'disable a dSource (no syncs until enabled)'),
      simpleSpec(app, 'delete', 'delete a dSource (refused while VDBs use it)'),
    ],
  };
}
