/** What every engine command gets: the CLI context and the engine, opened on first use. */
import { Engine } from '../engine.js';
import type { CliContext } from './command.js';
import { progressDisplay, type ProgressDisplay } from './progress.js';

export interface App {
  cli: CliContext;
  pluginDir: string;
  engine(): Engine;
  progress: ProgressDisplay;
  /** Print the result: the JSON document with --json, else the human text. */
  print(json: unknown, human: string): void;
  close(): Promise<void>;
}

export function createApp(cli: CliContext, pluginDir: string): App {
  let engine: Engine | undefined;
  const progress = progressDisplay(cli.stderr, cli.interactive, () => process.stderr.columns ?? 100);
  return {
    cli,
    pluginDir,
    progress,
    engine() {
      engine ??= new Engine({
        dataDir: cli.dataDir,
        pluginDir,
        debug: cli.debug,
        console: true,
        onProgress: (job, report) => progress.report(job, report),
      });
      return engine;
    },
    print(json, human) {
      progress.done();
      cli.stdout(cli.json ? `${JSON.stringify(json, null, 2)}\n` : human);
    },
    async close() {
      progress.done();
      await engine?.close();
    },
  };
}
