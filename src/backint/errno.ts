/** The `code` of a Node system error (ENOENT, ENXIO, ...), or undefined for any other error. */
export function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}
