/**
 * `hana-vdb plan VDB [--snapshot ID]` and `hana-vdb plan --snapshot ID --env ENV --repository REPO --params FILE`:
 * the recovery preview (the preflight checks with their verdicts, data backup, delta and log backups, whether the
 * Backint tool holds them, the expected point, the policy's verdict). Exit 0 when the verdict is recover or
 * recover-short, 3 when the recovery would wait or fail now (a finding, not an error).
 */
import { UserError } from '../../../sdk/errors.js';
import { planVdb } from '../../workflows/plan.js';
import { parseSnapshotId } from '../../workflows/resolve.js';
import type { App } from '../app.js';
import { block, table } from '../output.js';
import { readParamsFile } from '../params.js';
import type { CommandSpec, Values } from '../program.js';

const PLAN_USAGE = ['hana-vdb plan VDB [--snapshot ID]', 'hana-vdb plan --snapshot ID --env ENV --repository REPO --params FILE'];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

export function planText(plan: Obj): string {
  const a = obj(plan.assessment);
  const target = obj(plan.target);
  const policy = obj(plan.policy);
  const reachable = obj(a.reachable);
  const expected = obj(a.expected);
  const head = block({
    source: plan.source,
    target: plan.targetTenant,
    requested: target.pinned
      ? `log position ${String(target.logPosition)} (pinned, ${String(target.timestamp ?? '-')})`
      : target.timestamp,
    policy:
      `${String(policy.coveragePolicy)} (timeout ${String(policy.coverageWaitTimeoutSeconds)} s, ` +
      `max drift ${String(policy.maxDriftSeconds)} s, ${String(policy.driftAction)})`,
    covered: a.covered ? 'yes' : a.catalogCovers ? 'in the catalog, not all in the Backint tool' : 'no',
    reachable:
      reachable.timestamp === null && reachable.logPosition === null
        ? '-'
        : `${String(reachable.timestamp ?? '?')}${reachable.logPosition ? ` (log position ${String(reachable.logPosition)})` : ''}`,
    expected: expected.exact
      ? `${String(expected.timestamp ?? '-')}${expected.logPosition ? ` (log position ${String(expected.logPosition)})` : ''}`
      : `a commit in [${String(expected.notBefore ?? '-')}, ${String(target.timestamp)}]`,
    'log backup interval': plan.logBackupIntervalSeconds === null ? '-' : `${String(plan.logBackupIntervalSeconds)} s`,
    verdict: `${String(plan.verdict)}: ${String(plan.reason)}`,
  });
  const data = list(a.dataBackups).map((d) => ({ ...d, visible: d.visible ? 'yes' : 'NO' }));
  const logs = list(a.logBackups).map((l) => ({
    ...l,
    positions: `${String(l.firstPosition)}..${String(l.lastPosition)}`,
    visible: l.visible ? 'yes' : 'NO',
  }));
  const fix = (c: Obj) => (c.fix && c.verdict !== 'pass' ? `          fix: ${String(c.fix)}\n` : '');
  const checks = list(plan.preflight)
    .map((c) => `  ${String(c.verdict).padEnd(7)} ${String(c.title)}: ${String(c.found)}\n${fix(c)}`)
    .join('');
  const missing = (Array.isArray(a.missing) ? a.missing.map(obj) : []).map((m) => `  - ${String(m.message)}\n`).join('');
  return [
    head,
    checks ? `\nPreflight:\n${checks}` : '',
    '\nData backups:\n',
    table(data, ['backupId', 'type', 'startedAt', 'lastCommit', 'visible']),
    '\nLog backups:\n',
    table(logs, ['backupId', 'volume', 'positions', 'lastCommit', 'writtenAt', 'createdAt', 'visible']),
    missing ? `\nMissing:\n${missing}` : '',
  ].join('');
}

function need(o: Values, key: string, flag: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new UserError(`Missing ${flag}.`, `Usage: ${PLAN_USAGE[1]}`);
  return v;
}

async function planCommand(app: App, vdbName: string | undefined, o: Values): Promise<number> {
  const engine = app.engine();
  const snapshotText = typeof o.snapshot === 'string' ? o.snapshot : undefined;
  let result;
  if (vdbName !== undefined) {
    if (o.env !== undefined || o.params !== undefined || o.repository !== undefined) {
      throw new UserError(
        '--env, --repository and --params are for a VDB that does not exist yet; an existing VDB has them.',
        `Usage: ${PLAN_USAGE[0]}`,
      );
    }
    result = await planVdb(engine, {
      vdb: vdbName,
      ...(snapshotText !== undefined ? { snapshotId: parseSnapshotId(snapshotText) } : {}),
    });
  } else {
    const snapshotId = parseSnapshotId(need(o, 'snapshot', '--snapshot'));
    const environment = need(o, 'env', '--env');
    const repository = need(o, 'repository', '--repository');
    const parameters = readParamsFile(need(o, 'params', '--params'), (await engine.plugin()).schema, 'virtualSourceDefinition');
    result = await planVdb(engine, { snapshotId, environment, repository, parameters });
  }
  app.print(
    result,
    `Recovery plan for ${result.vdb ? `VDB ${result.vdb}` : 'a new VDB'} from snapshot ` +
      `${result.snapshotId} (nothing was changed)\n${planText(result.plan)}`,
  );
  const verdict = result.plan.verdict;
  return verdict === 'recover' || verdict === 'recover-short' ? 0 : 3;
}

export function planSpec(app: App): CommandSpec {
  return {
    name: 'plan',
    summary: 'preview a recovery: backups used, expected point, policy verdict (changes nothing)',
    args: ['[VDB]'],
    options: [
      { flags: '--snapshot <ID>', description: 'snapshot to recover to' },
      { flags: '--env <ENV>', description: 'target environment (new VDB)' },
      { flags: '--repository <REPO>', description: 'target HANA system (new VDB)' },
      { flags: '--params <FILE>', description: 'virtual source parameters (new VDB)' },
    ],
    examples: [
      'hana-vdb plan qa1',
      'hana-vdb plan --snapshot 3 --env qas \\\n      --repository "QAS HDB10 2.00.059" --params vdb.json',
    ],
    notes: 'Exit codes: 0 the recovery would run now, 3 it would wait or fail (a finding), 1 bad input.',
    action: ([vdb], o) => planCommand(app, vdb, o),
  };
}
