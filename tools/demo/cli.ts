/**
 * `hana-vdb demo [--scenario basic|lag] [--backint hana-backint|commvault|aws] [--keep] [--json]` (DEMO_SPEC):
 * the main job on the embedded default. Starts the
 * simulated landscape (no root, no system packages), runs a scenario through the engine and the plugin over SSH,
 * and prints the recorded timestamps. The run's engine data directory stays under <data dir>/demo/<run> so
 * `hana-vdb-meta --data-dir` can inspect it afterwards; the simulator's files go unless --keep.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { UserError } from '../../src/sdk/errors.js';
import type { CliContext } from '../../src/engine/cli/command.js';
import { parseOwn, type CommandSpec } from '../../src/engine/cli/program.js';
import { BACKINT_TOOLS, defaultLandscape } from '../hana-sim/spec.js';
import { backintTool } from '../hana-sim/cli.js';
import { startDemo, type DemoEnv } from './env.js';
import { renderReport, type DemoReport } from './report.js';
import { BASIC, runBasicScenario } from './scenarios/basic.js';
import { runLagScenario } from './scenarios/lag.js';

const SCENARIOS = ['basic', 'lag'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** The demo's options, declared once: its parse and its --help both read this. */
export const DEMO_SPEC: CommandSpec = {
  name: 'demo',
  summary: 'the whole job on an embedded simulated landscape',
  options: [
    {
      flags: '--scenario <NAME>',
      description:
        'basic (default): link a dSource, provision a VDB, sync, refresh it; lag: log backups reach the store 10 ' +
        'minutes after a snapshot without RPO offset: the first VDB waits for them, a second one reaches the same point',
      choices: [...SCENARIOS],
    },
    {
      flags: '--backint <TOOL>',
      description: "the Backint agent of the simulated systems: hana-backint (default, this package's), commvault or aws",
      choices: [...BACKINT_TOOLS],
    },
    { flags: '--keep', description: "keep the simulator's files (else removed; the engine store always stays)" },
  ],
  examples: ['hana-vdb demo', 'hana-vdb demo --scenario lag', 'hana-vdb demo --backint aws --json'],
  notes:
    "The run's engine store stays under <data dir>/demo/<scenario>-<time>/engine:\n" + 'hana-vdb-meta --data-dir <that dir> list.',
};

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const parsed = await parseOwn(DEMO_SPEC, argv[0] === 'demo' ? argv.slice(1) : argv);
  if ('help' in parsed) {
    ctx.stdout(ctx.json ? `${JSON.stringify({ usage: parsed.help.split('\n').filter(Boolean) })}\n` : parsed.help);
    return 0;
  }
  const values = parsed.values as { scenario?: string; backint?: string; keep?: boolean };
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
