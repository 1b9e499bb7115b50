/**
 * Direct I/O (O_DIRECT) on the filesystem store's data files. A backup written through the page cache costs
 * the host more CPU than the copy itself where memory is handed out lazily (a VM: every new cache page is a
 * fault to the hypervisor; on our 2-core VM, 1 GiB from a FIFO, side by side: dd conv=fsync 2.4–9.0 CPU-s of
 * system time, dd oflag=direct 0.7–3.3), and an object written once and read rarely only evicts the host's
 * working set (HANA's, when the store is on the HANA host). O_DIRECT wants the buffer, the file offset and the
 * length aligned to the device's logical block, and the buffer should also start on a memory page: the kernel
 * accepts a buffer aligned only to a 512-byte block, but then every block of a write straddles two pages and
 * the write is 5-10 times slower on our VM's disk (measured: 1 GiB in 1 MiB direct writes, 11-20 s from a
 * buffer at page + 0x200, 1.9-3.6 s from a page-aligned one, dd oflag=direct 2.8-3.3 s). Node's allocator
 * hands out buffers at page + 16 (glibc's chunk header), so whether a buffer came out page-aligned was luck:
 * direct I/O looked erratic. Buffers for direct I/O are therefore WebAssembly memories, which V8 maps whole
 * pages for, and the first offset the kernel accepts (0 there) is still found by trying (EINVAL otherwise).
 */
import { constants, openSync } from 'node:fs';
import { errnoCode } from '../errno.js';

/** The largest logical block size of a Linux block device: offsets and lengths aligned to it suit them all. */
export const ALIGN = 4096;

export const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** The one WebAssembly class used here (the ES2022 lib this project compiles against does not declare it). */
const Wasm = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer } };
  }
).WebAssembly;

/** A WebAssembly memory grows in pages of 64 KiB. */
const WASM_PAGE = 64 << 10;

/** Shared memory of at least `bytes` that starts on a memory page (see above: unaligned direct writes crawl). */
export function pageAlignedSharedBuffer(bytes: number): SharedArrayBuffer {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  return new Wasm.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
}

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
