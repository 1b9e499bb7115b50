// Runs real engine workflows (from dist/, as the hana-vdb CLI does) for the hana-vdb-meta tests.
// Usage: node drive-engine.mjs STEPS.json — STEPS: { dataDir, pluginDir, scenarioFile, steps: [...] }.
// Each step may carry `scenario` (written to scenarioFile first) and `mayFail`. Prints one JSON result line per step.
import { readFileSync, writeFileSync } from 'node:fs';
const dist = new URL('../../../dist/src/engine/', import.meta.url);
const { Engine } = await import(new URL('engine.js', dist));
const { addEnvironment } = await import(new URL('workflows/environment.js', dist));
const { linkDSource, syncDSource } = await import(new URL('workflows/dsource.js', dist));
const { provisionVdb, refreshVdb, rewindVdb, snapshotVdb } = await import(new URL('workflows/vdb.js', dist));

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const engine = new Engine({ dataDir: plan.dataDir, pluginDir: plan.pluginDir });
let code = 0;
try {
  for (const step of plan.steps) {
    if (step.scenario) writeFileSync(plan.scenarioFile, JSON.stringify(step.scenario));
    try {
      let id = null;
      switch (step.op) {
        case 'addEnv':
          await addEnvironment(engine, step.input);
          break;
        case 'link':
          id = (await linkDSource(engine, step.input)).snapshot.id;
          break;
        case 'sync':
          id = (await syncDSource(engine, step.name, { resync: false })).id;
          break;
        case 'provision':
          id = (await provisionVdb(engine, step.input)).snapshot.id;
          break;
        case 'refresh':
          id = (await refreshVdb(engine, step.name, step.snapshotId)).snapshot.id;
          break;
        case 'rewind':
          await rewindVdb(engine, step.name, step.snapshotId);
          break;
        case 'snapshot':
          id = (await snapshotVdb(engine, step.name)).id;
          break;
        default:
          throw new Error(`unknown step ${step.op}`);
      }
      process.stdout.write(`${JSON.stringify({ op: step.op, ok: true, id })}\n`);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ op: step.op, ok: false, error: err.message })}\n`);
      if (!step.mayFail) {
        code = 1;
        break;
      }
    }
  }
} finally {
  await engine.close();
}
process.exitCode = code;
