// The console's JSON API: the session cookie goes along by itself; state changes carry the CSRF token.

let csrfToken = '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.action = body?.error?.action ?? '';
    this.problems = body?.problems ?? [];
  }
}

async function parse(res) {
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export async function get(path) {
  return parse(await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function send(method, path, body = {}) {
  return parse(
    await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(body),
    }),
  );
}

export async function openSession() {
  const s = await get('/api/session');
  csrfToken = s.csrfToken;
  return s;
}
