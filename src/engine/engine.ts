/**
 * The engine of one process: store, logger, redactor and (loaded on first need) the plugin, with stored
 * objects upgraded to the plugin's migrations when it is loaded.
 */
import type winston from 'winston';
import type { ProgressReport } from '../sdk/libs.js';
import { closeLogger, createEngineLogger } from './log/logger.js';
import { redactor as processRedactor, type Redactor } from './log/redact.js';
import { loadPlugin, type LoadedPlugin } from './plugin-host/load.js';
import { upgradeStoredObjects } from './plugin-host/upgrade.js';
import type { ConnectOptions } from './ssh/connection.js';
import { Store } from './store/store.js';
import type { JobRow } from './store/types.js';

export interface EngineOptions {
  dataDir: string;
  /** Root of the plugin (plugin_config.yml). */
  pluginDir: string;
  debug?: boolean;
  /** Readable log lines on stderr. */
  console?: boolean;
  /** Live progress of a job (CLI display). */
  onProgress?: (job: JobRow, report: ProgressReport) => void;
  /** Every job log line, already redacted (CLI plain output). */
  onJobLog?: (job: JobRow, level: string, message: string) => void;
  ssh?: ConnectOptions;
  redactor?: Redactor;
}

export class Engine {
  readonly store: Store;
  readonly logger: winston.Logger;
  readonly redactor: Redactor;
  private pluginPromise: Promise<LoadedPlugin> | undefined;

  constructor(readonly options: EngineOptions) {
    this.redactor = options.redactor ?? processRedactor;
    this.store = Store.open(options.dataDir);
    this.logger = createEngineLogger({
      dataDir: options.dataDir,
      debug: options.debug,
      console: options.console,
      redactor: this.redactor,
    });
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** The plugin, loaded once; stored objects older than its migrations are upgraded first. */
  plugin(): Promise<LoadedPlugin> {
    this.pluginPromise ??= (async () => {
      const loaded = await loadPlugin(this.options.pluginDir);
      const n = await upgradeStoredObjects(this.store, loaded);
      if (n > 0) this.logger.info(`Upgraded ${n} stored objects to plugin migration ${loaded.migrationId}.`);
      return loaded;
    })();
    return this.pluginPromise;
  }

  async close(): Promise<void> {
    this.store.close();
    await closeLogger(this.logger);
  }
}
