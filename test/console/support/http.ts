/** A raw HTTP client for the console tests: every header under the test's control (Host, Origin, Sec-Fetch-Site). */
import { request as httpRequest } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export function request(
  port: number,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...(body !== undefined && typeof opts.body !== 'string' ? { 'content-type': 'application/json' } : {}),
    ...opts.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Spend the access URL's token: the session cookie ("name=value") and the CSRF token. */
export async function login(port: number, url: string): Promise<{ cookie: string; csrf: string }> {
  const u = new URL(url);
  const r = await request(port, 'GET', `${u.pathname}${u.search}`);
  if (r.status !== 303) throw new Error(`login: expected 303, got ${r.status} ${r.text}`);
  const setCookie = String((r.headers['set-cookie'] as string[])[0]);
  const cookie = setCookie.split(';')[0]!;
  const s = await request(port, 'GET', '/api/session', { headers: { cookie } });
  return { cookie, csrf: s.json.csrfToken as string };
}
