/**
 * `hana-vdb demo [--scenario basic|lag] [--backint hana-backint|commvault|aws] [--keep] [--json]`:
 * the main job on the embedded default. Starts the
 * simulated landscape (no root, no system packages), runs a scenario through the engine and the plugin over SSH,
 * and prints the recorded timestamps. The run's engine data directory stays under <data dir>/demo/<run> so
 * `hana-vdb-meta --data-dir` can inspect it afterwards; the simulator's files go unless --keep.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { UserError } from '../../src/sdk/errors.js';
import type { CliContext } from '../../src/engine/cli/command.js';
import { defaultLandscape } from '../hana-sim/spec.js';
import { backintTool } from '../hana-sim/cli.js';
import { startDemo, type DemoEnv } from './env.js';
import { renderReport, type DemoReport } from './report.js';
import { BASIC, runBasicScenario } from './scenarios/basic.js';
import { runLagScenario } from './scenarios/lag.js';

const SCENARIOS = ['basic', 'lag'] as const;
const USAGE = 'Usage: hana-vdb demo [--scenario basic|lag] [--backint hana-backint|commvault|aws] [--keep] [--json]';
type Scenario = (typeof SCENARIOS)[number];

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = argv[0] === 'demo' ? argv.slice(1) : argv;
  let values: { scenario?: string; backint?: string; keep?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { scenario: { type: 'string' }, backint: { type: 'string' }, keep: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    throw new UserError(`demo: ${(err as Error).message}`, USAGE);
  }
  const scenario = (values.scenario ?? 'basic') as Scenario;
  if (!SCENARIOS.includes(scenario))
    throw new UserError(`demo: unknown scenario '${values.scenario}'.`, `Choose one of: ${SCENARIOS.join(', ')}.`);

  const runId = DateTime.utc().toFormat("yyyyLLdd'T'HHmmss");
  const workDir = join(ctx.dataDir, 'demo', `${scenario}-${runId}`);
  mkdirSync(workDir, { recursive: true });
  const say = (line: string) => ctx.stderr(`[demo] ${line}\n`);
  const landscape = defaultLandscape();
  landscape.backint = { ...landscape.backint, logShippingLagSeconds: BASIC.logShippingLagSeconds };
  if (values.backint !== undefined) landscape.backint.tool = backintTool(values.backint);
  for (const s of landscape.systems) s.logBackupTimeoutS = BASIC.logBackupTimeoutSeconds;
  // Simulated time starts three hours before now, so the run ends near the real present.
  const startAt = DateTime.utc().minus({ hours: 3 }).startOf('minute').toISO({ suppressMilliseconds: true })!;
  const env = await startDemo({ workDir, packageRoot: ctx.packageRoot, landscape, startAt, say }, 'PRD', 'QAS');
  let report: DemoReport;
  try {
    report = await runScenario(scenario, env);
  } finally {
    await env.close();
    if (!values.keep) rmSync(env.simRoot, { recursive: true, force: true });
  }
  ctx.stdout(ctx.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return 0;
}

async function runScenario(scenario: Scenario, env: DemoEnv): Promise<DemoReport> {
  if (scenario === 'basic') return runBasicScenario(env);
  return runLagScenario(env);
}
