/**
 * The ranged download with real bodies (the undici handler against a TCP server serving byte ranges of one
 * object): copied into a ring in order, and resumed from the first byte not delivered when a body breaks.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { UndiciHandler } from '../../../src/backint/store/http/undici-handler.js';
import { startDownload, type Consumer, type RangeSource } from '../../../src/backint/store/s3-download.js';

const MiB = 1024 * 1024;
const object = randomBytes(5 * MiB + 321);

/** Serves `bytes=a-b` of `object`; `fault(a, b)` may cut a body short (reset after n bytes). */
async function rangeServer(fault: (a: number, b: number) => number | undefined) {
  const ranges: string[] = [];
  const srv = net.createServer((sock) => {
    let seen = '';
    sock.on('error', () => undefined);
    sock.on('data', (d) => {
      seen += d.toString('latin1');
      const headEnd = seen.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const request = seen.slice(0, headEnd);
      seen = seen.slice(headEnd + 4); // the next request on a kept-alive connection
      const [, a, b] = /range: bytes=(\d+)-(\d+)/i.exec(request)!.map(Number) as [number, number, number];
      ranges.push(`${a}-${b}`);
      const body = object.subarray(a, b + 1);
      sock.write(
        `HTTP/1.1 206 Partial Content\r\nContent-Length: ${body.length}\r\nContent-Range: bytes ${a}-${b}/${object.length}\r\n\r\n`,
      );
      const cut = fault(a, b);
      if (cut === undefined) sock.end(body);
      else sock.write(body.subarray(0, cut), () => setTimeout(() => sock.resetAndDestroy(), 10));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const handler = new UndiciHandler();
  const source: RangeSource = {
    get: async (start, end) =>
      (
        await handler.handle({
          protocol: 'http:',
          hostname: '127.0.0.1',
          port,
          method: 'GET',
          path: '/b/k',
          headers: { range: `bytes=${start}-${end}` },
        })
      ).response.body,
    maxAttempts: 3,
    backoff: () => tick(),
    warn: () => undefined,
  };
  return { source, ranges, close: () => new Promise<void>((r) => (handler.destroy(), srv.close(() => r()))) };
}

/** A ring of 256 KiB slots, drained a slot at a time on the next tick, like the channel's worker. */
function ring(): Consumer & { out: Buffer[]; end(): void } {
  const SLOT = 256 * 1024;
  const slots = [Buffer.alloc(SLOT), Buffer.alloc(SLOT)];
  let filling = 0;
  let slot = 0;
  const c = {
    out: [] as Buffer[],
    put(chunk: Uint8Array) {
      for (let off = 0; off < chunk.length;) {
        const n = Math.min(chunk.length - off, SLOT - filling);
        slots[slot]!.set(chunk.subarray(off, off + n), filling);
        off += n;
        filling += n;
        if (filling === SLOT) {
          c.out.push(Buffer.from(slots[slot]!));
          filling = 0;
          slot ^= 1;
        }
      }
      return undefined;
    },
    end: () => c.out.push(Buffer.from(slots[slot]!.subarray(0, filling))),
  };
  return c;
}

describe('ranged download into a ring', () => {
  test('every range in order, byte for byte, into the ring', async () => {
    const s = await rangeServer(() => undefined);
    try {
      const r = ring();
      const d = startDownload(s.source, 'k', object.length, 2 * MiB, 2);
      await d.ready;
      await d.run(r);
      r.end();
      expect(Buffer.concat(r.out).equals(object)).toBe(true);
      expect(s.ranges).toEqual([`0-${2 * MiB - 1}`, `${2 * MiB}-${4 * MiB - 1}`, `${4 * MiB}-${object.length - 1}`]);
    } finally {
      await s.close();
    }
  });

  test('a body reset mid-range is re-requested from the first byte not delivered, the rest in order', async () => {
    let broken = false;
    const s = await rangeServer((a) => {
      if (a !== 2 * MiB || broken) return undefined;
      broken = true;
      return 700_000;
    });
    try {
      const r = ring();
      const d = startDownload(s.source, 'k', object.length, 2 * MiB, 2);
      await d.run(r);
      r.end();
      expect(Buffer.concat(r.out).equals(object)).toBe(true);
      // The resumed range starts after what arrived before the reset (at most the 700,000 bytes sent).
      const starts = s.ranges.map((x) => Number(x.split('-')[0]));
      const resumed = s.ranges[starts.findIndex((a) => a > 2 * MiB && a <= 2 * MiB + 700_000)];
      expect(resumed).toMatch(new RegExp(`-${4 * MiB - 1}$`));
      expect(s.ranges).toHaveLength(4);
    } finally {
      await s.close();
    }
  });
});
