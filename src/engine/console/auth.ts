/**
 * Who may use the console. Each start makes a one-time access token, printed in the URL; the first request
 * carrying it gets a session cookie (HttpOnly, SameSite=Strict) and the token is spent. Every API call needs
 * the session; state-changing calls also need the session's CSRF token in a header and, when the browser
 * says where the request comes from (Origin, Sec-Fetch-Site), it must be this console. The Host header must
 * name this server, which keeps DNS-rebinding pages out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';

export const SESSION_COOKIE = 'hana_vdb_console';
export const CSRF_HEADER = 'x-csrf-token';

export interface Session {
  id: string;
  csrfToken: string;
}

const token = () => randomBytes(32).toString('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class ConsoleAuth {
  private accessToken: string | undefined = token();
  private readonly sessions = new Map<string, Session>();
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  /** `hostPorts`: the host:port forms this server is reached by (e.g. 127.0.0.1:8080, localhost:8080). */
  constructor(hostPorts: string[]) {
    this.hosts = new Set(hostPorts.map((h) => h.toLowerCase()));
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`));
  }

  /** The token for the printed URL; undefined once spent. */
  get pendingToken(): string | undefined {
    return this.accessToken;
  }

  checkHost(req: IncomingMessage): void {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.hosts.has(host))
      throw new HttpError(421, `This console does not answer for host '${host}'.`, `Open it as ${[...this.origins][0]}.`);
  }

  /** Spend the access token for a session; any other token, or a second use, is refused. */
  exchange(presented: string): Session {
    if (this.accessToken === undefined) {
      throw new HttpError(
        403,
        'This access link was already used.',
        'Use the browser that opened it, or restart hana-vdb console for a new link.',
      );
    }
    if (!same(presented, this.accessToken))
      throw new HttpError(403, 'The access token is not valid.', 'Open the exact URL that hana-vdb console printed.');
    this.accessToken = undefined;
    const session = { id: token(), csrfToken: token() };
    this.sessions.set(session.id, session);
    return session;
  }

  sessionCookie(session: Session): string {
    return `${SESSION_COOKIE}=${session.id}; HttpOnly; SameSite=Strict; Path=/`;
  }

  session(req: IncomingMessage): Session | undefined {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!id) return undefined;
    for (const s of this.sessions.values()) if (same(s.id, id)) return s;
    return undefined;
  }

  requireSession(req: IncomingMessage): Session {
    const s = this.session(req);
    if (!s)
      throw new HttpError(
        401,
        'No console session.',
        'Open the URL printed by hana-vdb console (it holds a one-time access token).',
      );
    return s;
  }

  /** For POST/DELETE: the CSRF header must match, and a browser's own account of the origin must be us. */
  checkStateChange(req: IncomingMessage, session: Session): void {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin')
      throw new HttpError(403, `Cross-site request refused (Sec-Fetch-Site: ${String(site)}).`, 'Use the console page itself.');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin.toLowerCase()))
      throw new HttpError(403, `Cross-origin request refused (Origin: ${origin}).`, 'Use the console page itself.');
    const presented = req.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !same(presented, session.csrfToken)) {
      throw new HttpError(
        403,
        'Missing or wrong CSRF token.',
        `Send the token from GET /api/session in the ${CSRF_HEADER} header (reload the page).`,
      );
    }
  }
}
