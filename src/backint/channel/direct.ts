/**
 * Direct I/O (O_DIRECT) on the filesystem store's data files. A backup written through the page cache costs
 * the host more CPU than the copy itself where memory is handed out lazily (a VM: every new cache page is a
 * fault to the hypervisor; on our 2-core VM, 1 GiB from a FIFO, side by side: dd conv=fsync 2.4–9.0 CPU-s of
 * system time, dd oflag=direct 0.7–3.3), and an object written once and read rarely only evicts the host's
 * working set (HANA's, when the store is on the HANA host). O_DIRECT wants the buffer, the file offset and the
 * length aligned to the device's logical block; Node cannot allocate aligned memory, so a buffer's first
 * aligned offset is found by trying (the kernel answers EINVAL to a misaligned buffer).
 */
import { constants, openSync } from 'node:fs';
import { errnoCode } from '../errno.js';

/** The largest logical block size of a Linux block device: offsets and lengths aligned to it suit them all. */
export const ALIGN = 4096;

export const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Opens `path` with O_DIRECT, or returns undefined where the filesystem refuses it (EINVAL). */
export function openDirect(path: string, flags: number): number | undefined {
  try {
    return openSync(path, flags | constants.O_DIRECT);
  } catch (e) {
    if (errnoCode(e) === 'EINVAL') return undefined;
    throw e;
  }
}

/**
 * The first offset into a buffer at which `probe(offset)` (one direct read or write of ALIGN bytes from there)
 * is accepted; undefined if none is. Buffers from Node's allocator are 16-byte aligned.
 */
export function alignedOffset(probe: (offset: number) => void): number | undefined {
  for (let offset = 0; offset < ALIGN; offset += 16) {
    try {
      probe(offset);
      return offset;
    } catch (e) {
      if (errnoCode(e) !== 'EINVAL') throw e;
    }
  }
  return undefined;
}
