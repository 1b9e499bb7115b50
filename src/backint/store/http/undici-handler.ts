/**
 * The S3 client's request handler (its `requestHandler`): every request, backup and restore, goes through
 * undici, through the proxy that HTTPS_PROXY / HTTP_PROXY / NO_PROXY (or their lower-case forms) name, if
 * any (undici's EnvHttpProxyAgent). The SDK still signs, retries and parses errors; response bodies are
 * streamed (a restore's ranges requested ahead wait in TCP flow control, so a body has no time limit).
 */
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';

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
  response: { statusCode: number; headers: Record<string, string>; body: Readable };
}

/** What the SDK passes; its AbortSignal type is its own, so only what is used here is named. */
export interface HandlerOptions {
  abortSignal?: unknown;
  requestTimeout?: number;
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

/** Headers undici sets itself or refuses (it sends bodies without waiting for 100-continue). */
const DROPPED = new Set(['expect', 'connection', 'transfer-encoding', 'keep-alive']);

export class UndiciHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(private readonly dispatcher: Dispatcher = new EnvHttpProxyAgent()) {}

  async handle(request: SignedRequest, options: HandlerOptions = {}): Promise<HandlerResponse> {
    const qs = queryString(request.query);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (!DROPPED.has(k.toLowerCase())) headers[k] = v;
    const r = await this.dispatcher.request({
      origin: `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`,
      path: `${request.path}${qs ? `?${qs}` : ''}`,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: (request.body ?? null) as Dispatcher.DispatchOptions['body'],
      signal: options.abortSignal as Dispatcher.RequestOptions['signal'],
      ...(options.requestTimeout ? { headersTimeout: options.requestTimeout } : {}),
      bodyTimeout: 0,
    });
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    return { response: { statusCode: r.statusCode, headers: flat, body: r.body } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    void this.dispatcher.destroy().catch(() => undefined);
  }
}
