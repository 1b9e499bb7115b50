/**
 * Concurrency values that are sane on AWS's agent can exhaust this host: AWS defaults UploadConcurrency and
 * DownloadConcurrency to 100 (docs/reference/backint.md §4.2). Here every part in flight is a PartSizeMiB buffer
 * and every range requested ahead is an open connection, so such values are lowered, with the reason returned.
 */

/** Most ranged GETs open at once in one restore call (all files together). */
export const MAX_RESTORE_CONNECTIONS = 64;

export interface Concurrency {
  PartSizeMiB: number;
  UploadConcurrency: number;
  UploadChannelSize: number;
  BufferMemoryLimitMiB: number;
  DownloadConcurrency: number;
  MaximumConcurrentFilesForRestore: number;
}

/** Lowers UploadConcurrency and DownloadConcurrency in place to fit; one warning per change. */
export function limitMemory(p: Concurrency): string[] {
  const warnings: string[] = [];
  const perPart = p.UploadChannelSize * p.PartSizeMiB;
  const buffers = perPart * (p.UploadConcurrency + 1);
  if (buffers > p.BufferMemoryLimitMiB && p.UploadConcurrency > 1) {
    const fit = Math.max(1, Math.floor(p.BufferMemoryLimitMiB / perPart) - 1);
    warnings.push(
      `UploadConcurrency ${p.UploadConcurrency} lowered to ${fit}: UploadChannelSize ${p.UploadChannelSize} x ` +
        `(UploadConcurrency + 1) x PartSizeMiB ${p.PartSizeMiB} would buffer ${buffers} MiB, over BufferMemoryLimitMiB ` +
        `${p.BufferMemoryLimitMiB}`,
    );
    p.UploadConcurrency = fit;
  }
  const connections = p.DownloadConcurrency * p.MaximumConcurrentFilesForRestore;
  if (connections > MAX_RESTORE_CONNECTIONS && p.DownloadConcurrency > 1) {
    const fit = Math.max(1, Math.floor(MAX_RESTORE_CONNECTIONS / p.MaximumConcurrentFilesForRestore));
    warnings.push(
      `DownloadConcurrency ${p.DownloadConcurrency} lowered to ${fit}: with MaximumConcurrentFilesForRestore ` +
        `${p.MaximumConcurrentFilesForRestore} it would hold ${connections} connections open, over ${MAX_RESTORE_CONNECTIONS}`,
    );
    p.DownloadConcurrency = fit;
  }
  return warnings;
}
