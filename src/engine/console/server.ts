/**
 * The console server: node:http on one address (127.0.0.1 unless told otherwise), the page, and a JSON API
 * over one Engine whose job callbacks feed the live event stream. `startConsole` is what the command and the
 * tests use.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../../sdk/errors.js';
import type { PluginSchema } from '../../sdk/schema.js';
import { Engine } from '../engine.js';
import type { ConnectOptions } from '../ssh/connection.js';
import { Actions } from './actions.js';
import { ConsoleAuth } from './auth.js';
import { EventStream } from './events.js';
import { errorReply, HttpError, sendJson } from './http.js';
import { JobTracker } from './jobs.js';
import { apiRoutes, dispatchApi } from './routes.js';
import { PAGE_HEADERS, serveStatic } from './static.js';
import { Views } from './views.js';

export interface ConsoleOptions {
  dataDir: string;
  pluginDir: string;
  /** Where src/engine/console/public lives (the package root). */
  packageRoot: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  debug?: boolean;
  /** Engine log lines (warnings) on stderr. */
  logToConsole?: boolean;
  ssh?: ConnectOptions;
}

export interface RunningConsole {
  /** The URL to open: carries the one-time access token. */
  url: string;
  /** http://host:port */
  origin: string;
  host: string;
  port: number;
  engine: Engine;
  /** Workflows started from the console that are still running. */
  runningJobs(): number;
  /**
   * Stop serving. By default running workflows finish first and the engine closes after them; with
   * `waitForJobs: false` the process is about to exit and the store marks those jobs interrupted on next open.
   */
  close(opts?: { waitForJobs?: boolean }): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

const NOT_SIGNED_IN = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hana-vdb console</title></head>
<body><main><h1>hana-vdb console</h1><p>This page needs the link that <code>hana-vdb console</code> printed when it
started (it holds a one-time access token). If that link was already used in another browser, restart the console for a
new one.</p></main></body></html>`;

export async function startConsole(opts: ConsoleOptions): Promise<RunningConsole> {
  const host = opts.host ?? '127.0.0.1';
  if (host === '0.0.0.0' || host === '::' || host === '') {
    throw new UserError(`--host ${host || "''"} would listen on every address.`, 'Give one address (default 127.0.0.1).');
  }
  const events = new EventStream();
  const { engine, tracker, schema } = await openEngine(opts, events);
  const views = new Views(engine, schema, tracker);
  const actions = new Actions(engine, schema, tracker);
  const routes = apiRoutes({ schema, views, actions, events, dataDir: engine.dataDir });
  // The allowed Host values are known once the port is; no request is served before then.
  let auth: ConsoleAuth | undefined;
  const server: Server = createServer((req, res) => {
    handleRequest(req, res, auth!, routes, opts.packageRoot).catch((err: unknown) => replyError(engine, req, res, err));
  });
  try {
    await listen(server, opts.port ?? 0, host);
  } catch (err) {
    events.close();
    await engine.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const hostPorts = [`${urlHost(host)}:${port}`];
  if (LOOPBACK.has(host)) hostPorts.push(`localhost:${port}`, `127.0.0.1:${port}`);
  auth = new ConsoleAuth([...new Set(hostPorts)]);
  const origin = `http://${urlHost(host)}:${port}`;
  return {
    url: `${origin}/?token=${auth.pendingToken}`,
    origin,
    host,
    port,
    engine,
    runningJobs: () => tracker.runningCount(),
    async close(closeOpts = {}) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        events.close();
        server.closeAllConnections();
      });
      if (closeOpts.waitForJobs ?? true) {
        await tracker.settle();
        await engine.close();
      }
    },
  };
}

/** One Engine whose job callbacks feed the event stream, with the plugin's schema loaded. */
async function openEngine(opts: ConsoleOptions, events: EventStream) {
  let engineRef: Engine | undefined;
  const tracker = new JobTracker(events, (id) => engineRef?.store.job(id)?.outcome);
  const engine = new Engine({
    dataDir: opts.dataDir,
    pluginDir: opts.pluginDir,
    debug: opts.debug,
    console: opts.logToConsole ?? false,
    ssh: opts.ssh,
    onJobLog: (job, level, message) => tracker.onJobLog(job, level, message),
    onProgress: (job, report) => tracker.onProgress(job, report),
  });
  engineRef = engine;
  try {
    const schema: PluginSchema = (await engine.plugin()).schema;
    return { engine, tracker, schema };
  } catch (err) {
    events.close();
    await engine.close();
    throw err;
  }
}

/** The page (signing in with the one-time token), the API, and static files; everything else is 404. */
async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  auth: ConsoleAuth,
  routes: ReturnType<typeof apiRoutes>,
  packageRoot: string,
): Promise<void> {
  auth.checkHost(req);
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
  if (url.pathname === '/' && req.method === 'GET') return servePage(req, res, auth, url, packageRoot);
  const session = auth.requireSession(req);
  if (isApi) return dispatchApi(routes, auth, req, res, url, session);
  if (
    req.method === 'GET' &&
    url.pathname.startsWith('/static/') &&
    (await serveStatic(res, packageRoot, url.pathname.slice('/static/'.length)))
  )
    return;
  throw new HttpError(404, `Nothing at ${url.pathname}.`, 'Go to /.');
}

async function servePage(req: IncomingMessage, res: ServerResponse, auth: ConsoleAuth, url: URL, packageRoot: string) {
  const token = url.searchParams.get('token');
  if (token !== null) {
    const session = auth.exchange(token);
    res.writeHead(303, { ...PAGE_HEADERS, 'set-cookie': auth.sessionCookie(session), location: '/' });
    res.end();
    return;
  }
  if (!auth.session(req)) {
    res.writeHead(401, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    res.end(NOT_SIGNED_IN);
    return;
  }
  if (await serveStatic(res, packageRoot, 'index.html')) return;
  throw new HttpError(500, 'The console page is missing from this installation.', 'Reinstall hana-vdb.');
}

function replyError(engine: Engine, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const { status, body } = errorReply(err);
  if (status === 500)
    engine.logger.error(`console: ${req.method} ${req.url?.split('?')[0]}: ${(err as Error)?.stack ?? String(err)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, body);
}

async function listen(server: Server, port: number, host: string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`Port ${port} on ${host} is in use.`, 'Choose another --port, or 0 for any free port.');
    if (code === 'EADDRNOTAVAIL')
      throw new UserError(`${host} is not an address of this machine.`, 'Use --host 127.0.0.1 (the default).');
    throw err;
  }
}
