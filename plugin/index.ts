/**
 * Entry point of the HANA plugin (plugin_config.yml entryPoint "index:plugin"). Thin, as Delphix's plugins:
 * every operation delegates to plugin/operations/*, which hold the logic on top of src/hana.
 */
import { Plugin } from '../src/sdk/index.js';
import * as discovery from './operations/discovery.js';
import * as linked from './operations/linked.js';
import * as virtual from './operations/virtual.js';
import { plan } from './operations/plan.js';
import { sourceCheck } from './operations/source-check.js';
import { registerUpgrades } from './operations/upgrade.js';

export const plugin = new Plugin();

plugin.discovery.repository(({ sourceConnection }) => discovery.repositories(sourceConnection));
plugin.discovery.sourceConfig(({ sourceConnection, repository }) => discovery.sourceConfigs(sourceConnection, repository));

plugin.linked.preSnapshot(({ stagedSource, repository, sourceConfig, optionalSnapshotParameters }) =>
  linked.preSnapshot(stagedSource, repository, sourceConfig, optionalSnapshotParameters),
);
plugin.linked.postSnapshot(({ stagedSource, repository, sourceConfig, optionalSnapshotParameters }) =>
  linked.postSnapshot(stagedSource, repository, sourceConfig, optionalSnapshotParameters),
);
plugin.linked.mountSpecification(({ stagedSource, repository }) => linked.mountSpecification(stagedSource, repository));

plugin.virtual.mountSpecification(({ virtualSource, repository }) => virtual.mountSpecification(virtualSource, repository));
plugin.virtual.configure(({ virtualSource, repository, snapshot }) => virtual.configure(virtualSource, repository, snapshot));
plugin.virtual.reconfigure(({ virtualSource, repository, sourceConfig, snapshot }) =>
  virtual.reconfigure(virtualSource, repository, sourceConfig, snapshot),
);
plugin.virtual.unconfigure(({ virtualSource, repository, sourceConfig }) =>
  virtual.unconfigure(virtualSource, repository, sourceConfig),
);
plugin.virtual.cleanup(({ virtualSource, repository, sourceConfig }) => virtual.cleanup(virtualSource, repository, sourceConfig));
plugin.virtual.start(({ virtualSource, repository, sourceConfig }) => virtual.start(virtualSource, repository, sourceConfig));
plugin.virtual.stop(({ virtualSource, repository, sourceConfig }) => virtual.stop(virtualSource, repository, sourceConfig));
plugin.virtual.status(({ virtualSource, repository, sourceConfig }) => virtual.status(virtualSource, repository, sourceConfig));
plugin.virtual.preSnapshot(({ virtualSource, repository, sourceConfig }) =>
  virtual.preSnapshot(virtualSource, repository, sourceConfig),
);
plugin.virtual.postSnapshot(({ virtualSource, repository, sourceConfig }) =>
  virtual.postSnapshot(virtualSource, repository, sourceConfig),
);

// Beyond Delphix's operations (src/sdk/plugin.ts ExtensionOperations): the recovery preview behind `hana-vdb plan`.
plugin.extension.plan(({ virtualSource, repository, snapshot }) => plan(virtualSource, repository, snapshot));
// The backup source check behind `hana-vdb dsource check`.
plugin.extension.sourceCheck(({ stagedSource, sourceConfig, virtualSource, repository }) =>
  sourceCheck(stagedSource, sourceConfig, virtualSource, repository),
);

registerUpgrades(plugin);
