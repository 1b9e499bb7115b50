/** The `code` of a Node system error (ENOENT, ENXIO, ...), or undefined for any other error. */
export function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** What a full disk answers (raised on purpose by the filesystem store's fault-test write limit). */
export const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
