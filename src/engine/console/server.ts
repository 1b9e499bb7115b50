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
import { ConsoleAuth, type Session } from './auth.js';
import { EventStream } from './events.js';
import { describeForm, fieldProblems, isFormDefinition } from './forms.js';
import { errorReply, HttpError, readJsonObject, sendJson } from './http.js';
import { JobTracker, type Started } from './jobs.js';
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

function limitOf(url: URL): number {
  const v = url.searchParams.get('limit');
  if (v === null) return 100;
  if (!/^[1-9]\d{0,3}$/.test(v)) throw new HttpError(400, `limit '${v}' is not a number from 1 to 9999.`, 'Use e.g. ?limit=50.');
  return Number(v);
}

function startedReply(res: ServerResponse, started: Started): void {
  if ('jobId' in started) sendJson(res, 202, started);
  else sendJson(res, 200, started);
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
  let schema: PluginSchema;
  try {
    schema = (await engine.plugin()).schema;
  } catch (err) {
    events.close();
    await engine.close();
    throw err;
  }
  const views = new Views(engine, schema, tracker);
  const actions = new Actions(engine, schema, tracker);
  let auth: ConsoleAuth | undefined;

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, session: Session): Promise<void> => {
    const parts = url.pathname
      .split('/')
      .slice(2)
      .map((p) => decodeURIComponent(p));
    const method = req.method ?? 'GET';
    const [kind, name, verb, extra] = parts;
    if (extra !== undefined) throw new HttpError(404, `No API endpoint ${url.pathname}.`, 'See the console page.');
    if (method === 'GET') {
      if (kind === 'session' && name === undefined)
        return sendJson(res, 200, { csrfToken: session.csrfToken, dataDir: engine.dataDir });
      if (kind === 'events' && name === undefined) return events.add(res);
      if (kind === 'forms' && name !== undefined && verb === undefined) {
        if (!isFormDefinition(name))
          throw new HttpError(
            404,
            `No form for '${name}'.`,
            'Forms: linkedSourceDefinition, virtualSourceDefinition, snapshotParametersDefinition.',
          );
        return sendJson(res, 200, describeForm(schema, name));
      }
      if (verb === undefined) {
        if (kind === 'environments') return sendJson(res, 200, name === undefined ? views.environments() : views.environment(name));
        if (kind === 'dsources') return sendJson(res, 200, name === undefined ? views.dsources() : views.dsource(name));
        if (kind === 'vdbs') return sendJson(res, 200, name === undefined ? views.vdbs() : views.vdb(name));
        if (kind === 'jobs' && name === undefined) return sendJson(res, 200, views.jobList(limitOf(url)));
        if (kind === 'jobs' && name !== undefined) {
          if (!/^[1-9]\d*$/.test(name)) throw new HttpError(400, `'${name}' is not a job ID.`, 'Job IDs are positive integers.');
          return sendJson(res, 200, views.job(Number(name)));
        }
      }
      throw new HttpError(404, `No API endpoint GET ${url.pathname}.`, 'See the console page.');
    }
    if (method !== 'POST' && method !== 'DELETE')
      throw new HttpError(405, `Method ${method} is not allowed.`, 'Use GET, POST or DELETE.');
    auth!.checkStateChange(req, session);
    const body = await readJsonObject(req);
    if (method === 'DELETE') {
      if (name === undefined || verb !== undefined)
        throw new HttpError(404, `No API endpoint DELETE ${url.pathname}.`, 'Delete /api/environments|dsources|vdbs/NAME.');
      if (kind === 'environments') return startedReply(res, await actions.deleteEnvironment(name, body));
      if (kind === 'dsources') return startedReply(res, await actions.deleteDSource(name, body));
      if (kind === 'vdbs') return startedReply(res, await actions.deleteVdb(name, body));
      throw new HttpError(404, `No API endpoint DELETE ${url.pathname}.`, 'Delete /api/environments|dsources|vdbs/NAME.');
    }
    if (kind === 'validate' && name !== undefined && verb === undefined) {
      if (!isFormDefinition(name))
        throw new HttpError(
          404,
          `No form for '${name}'.`,
          'Forms: linkedSourceDefinition, virtualSourceDefinition, snapshotParametersDefinition.',
        );
      const problems = fieldProblems(schema.check(name, schema.withDefaults(name, body)));
      return sendJson(res, 200, { valid: problems.length === 0, problems });
    }
    if (name === undefined) {
      if (kind === 'environments') return startedReply(res, await actions.addEnvironment(body));
      if (kind === 'dsources') return startedReply(res, await actions.link(body));
      if (kind === 'vdbs') return startedReply(res, await actions.provision(body));
    } else if (verb !== undefined) {
      if (kind === 'environments' && verb === 'discover') return startedReply(res, await actions.discover(name));
      if (kind === 'dsources') return startedReply(res, await actions.dsource(name, verb, body));
      if (kind === 'vdbs') return startedReply(res, await actions.vdb(name, verb, body));
    }
    throw new HttpError(404, `No API endpoint POST ${url.pathname}.`, 'See the console page.');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    auth!.checkHost(req);
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    if (url.pathname === '/' && req.method === 'GET') {
      const token = url.searchParams.get('token');
      if (token !== null) {
        const session = auth!.exchange(token);
        res.writeHead(303, { ...PAGE_HEADERS, 'set-cookie': auth!.sessionCookie(session), location: '/' });
        res.end();
        return;
      }
      if (!auth!.session(req)) {
        res.writeHead(401, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' });
        res.end(NOT_SIGNED_IN);
        return;
      }
      if (await serveStatic(res, opts.packageRoot, 'index.html')) return;
      throw new HttpError(500, 'The console page is missing from this installation.', 'Reinstall hana-vdb.');
    }
    const session = auth!.requireSession(req);
    if (isApi) return api(req, res, url, session);
    if (
      req.method === 'GET' &&
      url.pathname.startsWith('/static/') &&
      (await serveStatic(res, opts.packageRoot, url.pathname.slice('/static/'.length)))
    )
      return;
    throw new HttpError(404, `Nothing at ${url.pathname}.`, 'Go to /.');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const { status, body } = errorReply(err);
      if (status === 500)
        engine.logger.error(`console: ${req.method} ${req.url?.split('?')[0]}: ${(err as Error)?.stack ?? String(err)}`);
      if (res.headersSent) {
        res.end();
        return;
      }
      sendJson(res, status, body);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    events.close();
    await engine.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`Port ${opts.port} on ${host} is in use.`, 'Choose another --port, or 0 for any free port.');
    if (code === 'EADDRNOTAVAIL')
      throw new UserError(`${host} is not an address of this machine.`, 'Use --host 127.0.0.1 (the default).');
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
