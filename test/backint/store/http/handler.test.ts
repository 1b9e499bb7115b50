/**
 * The direct handler against a TCP server that answers with bytes written here: well-formed answers in
 * uneven pieces, and faults on purpose (a reset mid-body, no answer, a broken head).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { ConnectionClosed, DirectBody, type ReadTarget } from '../../../../src/backint/store/http/body.js';
import { DirectBodyHandler, queryString, requestBytes, type SignedRequest } from '../../../../src/backint/store/http/handler.js';
import { MalformedResponse } from '../../../../src/backint/store/http/head.js';

type Script = (socket: net.Socket, request: string) => unknown;

async function server(script: Script): Promise<{ port: number; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString('latin1');
      if (seen.includes('\r\n\r\n')) {
        requests.push(seen);
        void script(socket, seen);
        seen = '';
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    requests,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

const request = (port: number, extra: Partial<SignedRequest> = {}): SignedRequest => ({
  protocol: 'http:',
  hostname: '127.0.0.1',
  port,
  method: 'GET',
  path: '/bucket/hana/ERP%40PRD/data',
  query: { 'x-id': 'GetObject' },
  headers: {
    host: `127.0.0.1:${port}`,
    range: 'bytes=0-99',
    authorization: 'AWS4-HMAC-SHA256 Credential=AK/20261122/us-east-1/s3/aws4_request, SignedHeaders=host;range, Signature=00',
  },
  ...extra,
});

/** Writes `bytes` in pieces of random size, with pauses, as a network would deliver them. */
async function dribble(socket: net.Socket, bytes: Buffer): Promise<void> {
  for (let off = 0; off < bytes.length;) {
    const n = Math.min(bytes.length - off, 1 + Math.floor(Math.random() * 200_000));
    socket.write(bytes.subarray(off, off + n));
    off += n;
    if (Math.random() < 0.3) await new Promise((r) => setTimeout(r, 1));
  }
}

/** A ring of small slots like the channel's: space only to the end of the slot; full rings hold the socket. */
function ringTarget(total: number, slot = 64 * 1024): ReadTarget & { bytes(): Buffer; direct: number; copied: number } {
  const out = Buffer.alloc(total);
  let at = 0;
  let direct = 0;
  let copied = 0;
  const hold = () => (Math.random() < 0.2 ? new Promise<void>((r) => setImmediate(r)) : undefined);
  return {
    space: () => (at < total ? out.subarray(at, Math.min(total, (Math.floor(at / slot) + 1) * slot)) : undefined),
    commit(n) {
      at += n;
      direct += n;
      return hold();
    },
    put(chunk) {
      out.set(chunk, at);
      at += chunk.length;
      copied += chunk.length;
      return hold();
    },
    bytes: () => out.subarray(0, at),
    get direct() {
      return direct;
    },
    get copied() {
      return copied;
    },
  };
}

const handler = new DirectBodyHandler();
afterAll(() => handler.destroy());

describe('direct body handler', () => {
  test('the request as sent: the SDK signed fields, its query escaping, Connection: close', async () => {
    const s = await server((sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    try {
      const { response } = await handler.handle(request(s.port, { query: { 'x-id': 'GetObject', 'a b': "it's" } }));
      expect(response.statusCode).toBe(200);
      const lines = s.requests[0]!.split('\r\n');
      expect(lines[0]).toBe('GET /bucket/hana/ERP%40PRD/data?a%20b=it%27s&x-id=GetObject HTTP/1.1');
      expect(lines).toContain('range: bytes=0-99');
      expect(lines).toContain('connection: close');
      expect(lines.filter((l) => l.startsWith('host:'))).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  test('a field that could split the request is refused, nothing sent', () => {
    expect(() => requestBytes(request(1, { headers: { range: 'bytes=0-1\r\nx-evil: 1' } }))).toThrow(
      /header "range" cannot be sent/,
    );
    expect(() => requestBytes(request(1, { path: '/a b' }))).toThrow(/cannot send/);
    expect(queryString({ uploads: null, 'x-id': 'x' })).toBe('uploads&x-id=x');
  });

  test('a body of known length read into a ring: every byte, in order, mostly without a copy', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const s = await server(async (sock) => {
      await dribble(
        sock,
        Buffer.concat([Buffer.from(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${data.length}\r\n\r\n`), data]),
      );
    });
    try {
      const { response } = await handler.handle(request(s.port));
      expect(response.statusCode).toBe(206);
      expect(response.body).toBeInstanceOf(DirectBody);
      expect(response.body.directLength).toBe(data.length);
      const target = ringTarget(data.length);
      await response.body.readInto(target);
      expect(target.bytes().equals(data)).toBe(true);
      expect(target.direct).toBeGreaterThan(data.length / 2);
      expect(target.direct + target.copied).toBe(data.length);
    } finally {
      await s.close();
    }
  });

  test('a connection reset mid-body rejects readInto with a retriable ECONNRESET; what arrived stays delivered', async () => {
    const s = await server((sock) => {
      sock.write('HTTP/1.1 206 Partial Content\r\nContent-Length: 1000000\r\n\r\n');
      sock.write(Buffer.alloc(300_000));
      setTimeout(() => sock.resetAndDestroy(), 20);
    });
    try {
      const { response } = await handler.handle(request(s.port));
      const target = ringTarget(1_000_000);
      const err = (await response.body.readInto(target).then(
        () => undefined,
        (e: unknown) => e,
      )) as (Error & { code?: string }) | undefined;
      expect(err).toMatchObject({ code: 'ECONNRESET' });
      expect(target.bytes().length).toBeGreaterThan(0);
      expect(target.bytes().length).toBeLessThan(1_000_000);
    } finally {
      await s.close();
    }
  });

  test('a close without reset mid-body is a ConnectionClosed error', async () => {
    const s = await server((sock) =>
      sock.end(Buffer.concat([Buffer.from('HTTP/1.1 206 Partial Content\r\nContent-Length: 100\r\n\r\n'), Buffer.alloc(40)])),
    );
    try {
      const { response } = await handler.handle(request(s.port));
      await expect(response.body.readInto(ringTarget(100))).rejects.toThrow(
        new ConnectionClosed('the connection closed 40 bytes into a body of 100'),
      );
    } finally {
      await s.close();
    }
  });

  test('an error body read as a stream, chunked, after an interim 100 Continue', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
    const s = await server(async (sock) => {
      await dribble(
        sock,
        Buffer.from(
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Slow Down\r\nTransfer-Encoding: chunked\r\n\r\n' +
            `10\r\n${xml.slice(0, 16)}\r\n${(xml.length - 16).toString(16)}\r\n${xml.slice(16)}\r\n0\r\n\r\n`,
        ),
      );
    });
    try {
      const { response } = await handler.handle(request(s.port));
      expect(response.statusCode).toBe(503);
      expect(response.body.directLength).toBeUndefined();
      const chunks: Buffer[] = [];
      for await (const c of response.body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe(xml);
    } finally {
      await s.close();
    }
  });

  test('a body without length or chunks ends with the connection', async () => {
    const s = await server((sock) => sock.end('HTTP/1.1 200 OK\r\n\r\nuntil the end'));
    try {
      const { response } = await handler.handle(request(s.port));
      const chunks: Buffer[] = [];
      for await (const c of response.body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('until the end');
    } finally {
      await s.close();
    }
  });

  test('no answer at all: a retriable ECONNRESET', async () => {
    const s = await server((sock) => sock.end());
    try {
      await expect(handler.handle(request(s.port))).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      await s.close();
    }
  });

  test('a broken head: MalformedResponse naming the line', async () => {
    const s = await server((sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nabcde'));
    try {
      const err = await handler.handle(request(s.port)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MalformedResponse);
      expect((err as Error).message).toContain('header line "Content-Length 5"');
    } finally {
      await s.close();
    }
  });

  test('an abort signal ends the wait for the answer', async () => {
    const s = await server(() => undefined); // never answers
    try {
      const ac = new AbortController();
      const pending = handler.handle(request(s.port), { abortSignal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await s.close();
    }
  });
});
