import type { Plugin } from '../../src/sdk/index.js';

/** Schema migrations of plugin-defined objects. None yet: this is the first released schema. */
export function registerUpgrades(_plugin: Plugin): void {}
