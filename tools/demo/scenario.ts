/** What a scenario module (scenarios/*.ts) builds on: `export async function runXScenario(env: DemoEnv): Promise<DemoReport>`. */
export type { DemoEnv } from './env.js';
export type { DemoReport, DemoVdb } from './report.js';
export { snapshotEntry, vdbEntry } from './report.js';
