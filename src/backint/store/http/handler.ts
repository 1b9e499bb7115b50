/**
 * An SDK request handler (the `requestHandler` of an S3Client) whose responses carry a DirectBody: the SDK
 * signs, retries and parses as always, and a body of known length can then be read straight into the
 * channel's ring. One connection per request, closed after it: it serves a restore's ranged GETs of many MiB
 * each, where a connection's setup is nothing beside its transfer.
 */
import { DirectBody } from './body.js';
import { Connection, type Endpoint } from './connection.js';
import { MalformedResponse, TOKEN, framing, parseHead, type ResponseHead } from './head.js';

/** The parts of the SDK's HttpRequest this handler reads. */
export interface SignedRequest {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

export interface HandlerResponse {
  response: { statusCode: number; reason?: string; headers: Record<string, string>; body: DirectBody };
}

/** The SDK's URI escaping (RFC 3986: encodeURIComponent plus !'()*). */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function queryString(query: SignedRequest['query']): string {
  const parts: string[] = [];
  for (const key of Object.keys(query ?? {}).sort()) {
    const value = query![key];
    for (const v of Array.isArray(value) ? value : [value])
      parts.push(v === null || v === undefined ? escapeUri(key) : `${escapeUri(key)}=${escapeUri(v)}`);
  }
  return parts.join('&');
}

/** The request's bytes; a field that could split the message (CR, LF) is refused, never sent. */
export function requestBytes(req: SignedRequest): Buffer {
  if (req.body !== undefined && req.body !== null && !(typeof req.body === 'string' && req.body === ''))
    throw new Error('the direct handler sends requests without a body only');
  const qs = queryString(req.query);
  const target = `${req.path}${qs ? `?${qs}` : ''}`;
  if (!TOKEN.test(req.method) || /[\s]/.test(target)) throw new Error(`cannot send ${req.method} ${target}`);
  const headers: [string, string][] = Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== 'connection');
  if (!headers.some(([k]) => k.toLowerCase() === 'host'))
    headers.unshift(['host', req.port ? `${req.hostname}:${req.port}` : req.hostname]);
  headers.push(['connection', 'close']);
  for (const [k, v] of headers)
    if (!TOKEN.test(k) || /[\r\n\0]/.test(String(v))) throw new Error(`header ${JSON.stringify(k)} cannot be sent`);
  return Buffer.from(`${req.method} ${target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`, 'latin1');
}

/** What the SDK passes; its AbortSignal type is its own, so only what is used here is named. */
export interface HandlerOptions {
  abortSignal?: {
    readonly aborted: boolean;
    addEventListener?(type: 'abort', listener: () => void, options?: { once: boolean }): void;
  };
  requestTimeout?: number;
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

export class DirectBodyHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly live = new Set<Connection>();

  handle(request: SignedRequest, options: HandlerOptions = {}): Promise<HandlerResponse> {
    return new Promise<HandlerResponse>((resolve, reject) => {
      const signal = options.abortSignal;
      if (signal?.aborted) return reject(abortError());
      let bytes: Buffer;
      try {
        bytes = requestBytes(request);
      } catch (e) {
        return reject(e);
      }
      const secure = request.protocol === 'https:';
      const endpoint: Endpoint = {
        tls: secure,
        host: request.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: request.port ?? (secure ? 443 : 80),
      };
      let head: Buffer = Buffer.alloc(0);
      let answered = false;
      const conn: Connection = new Connection(endpoint, {
        buffer: (scratch) => scratch,
        got: (n, buf) => {
          if (answered) return false;
          head = Buffer.concat([head, buf.subarray(0, n)]);
          let h: ResponseHead | undefined;
          try {
            h = parseHead(head);
            // An interim (1xx) response precedes the real one.
            while (h && h.status < 200) {
              head = head.subarray(h.length);
              h = parseHead(head);
            }
            if (!h) return true;
            const body = new DirectBody(conn, framing(h, request.method), head.subarray(h.length));
            answered = true;
            conn.setTimeout(0); // the timeout is for the answer: a body may wait on HANA as long as it takes
            resolve({ response: { statusCode: h.status, headers: h.headers, body } });
          } catch (e) {
            answered = true;
            conn.destroy(e as Error);
            reject(e);
          }
          return false;
        },
        closed: (e) => {
          this.live.delete(conn);
          if (!answered)
            reject(e ?? Object.assign(new MalformedResponse('the connection closed before a response'), { code: 'ECONNRESET' }));
        },
      });
      this.live.add(conn);
      conn.send(bytes);
      if (options.requestTimeout)
        conn.setTimeout(options.requestTimeout, () =>
          conn.destroy(Object.assign(new Error(`no data for ${options.requestTimeout} ms`), { name: 'TimeoutError' })),
        );
      signal?.addEventListener?.('abort', () => conn.destroy(abortError()), { once: true });
    });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    for (const c of this.live) c.destroy();
    this.live.clear();
  }
}
