export * from './errors.js';
export * from './platform.js';
export * from './libs.js';
export * from './operations.js';
export * from './plugin.js';
export * from './migrations.js';
