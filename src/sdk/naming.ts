/**
 * The one naming rule between Delphix's Python SDK and this one: snake_case ⇄ camelCase
 * (virtual_source ⇄ virtualSource, post_snapshot ⇄ postSnapshot). See src/sdk/README.md.
 */

/** "optional_snapshot_parameters" → "optionalSnapshotParameters". */
export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** "optionalSnapshotParameters" → "optional_snapshot_parameters". */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The Delphix operation identifier used in messages, e.g. ('linked', 'postSnapshot') → "linked.post_snapshot()". */
export function delphixOperationId(area: string, name: string): string {
  return `${area}.${snakeCase(name)}()`;
}
