/**
 * The console's JSON API as a route table: each route names its method and path pattern (`:name` captures one
 * decoded segment) and what it does. `dispatchApi` matches a request against it; state-changing requests pass
 * the CSRF check and have their JSON body read before any route runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginSchema } from '../../sdk/schema.js';
import type { Actions } from './actions.js';
import type { ConsoleAuth, Session } from './auth.js';
import type { EventStream } from './events.js';
import { describeForm, fieldProblems, isFormDefinition, type FormDefinition } from './forms.js';
import { HttpError, readJsonObject, sendJson } from './http.js';
import type { Started } from './jobs.js';
import type { Views } from './views.js';

type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteRequest {
  res: ServerResponse;
  url: URL;
  session: Session;
  params: Record<string, string>;
  body: Record<string, unknown>;
}

interface Route {
  method: Method;
  pattern: string;
  handle: (r: RouteRequest) => Promise<void> | void;
}

export interface ApiDeps {
  schema: PluginSchema;
  views: Views;
  actions: Actions;
  events: EventStream;
  dataDir: string;
}

const FORMS_ACTION = 'Forms: linkedSourceDefinition, virtualSourceDefinition, snapshotParametersDefinition.';
const DELETE_ACTION = 'Delete /api/environments|dsources|vdbs/NAME.';

function startedReply(res: ServerResponse, started: Started): void {
  if ('jobId' in started) sendJson(res, 202, started);
  else sendJson(res, 200, started);
}

function limitOf(url: URL): number {
  const v = url.searchParams.get('limit');
  if (v === null) return 100;
  if (!/^[1-9]\d{0,3}$/.test(v)) throw new HttpError(400, `limit '${v}' is not a number from 1 to 9999.`, 'Use e.g. ?limit=50.');
  return Number(v);
}

function formName(name: string): FormDefinition {
  if (!isFormDefinition(name)) throw new HttpError(404, `No form for '${name}'.`, FORMS_ACTION);
  return name;
}

function jobId(name: string): number {
  if (!/^[1-9]\d*$/.test(name)) throw new HttpError(400, `'${name}' is not a job ID.`, 'Job IDs are positive integers.');
  return Number(name);
}

/** Every API endpoint, read top to bottom like the console's documentation of it. */
export function apiRoutes(d: ApiDeps): Route[] {
  const { views, actions, schema } = d;
  const started = (f: (r: RouteRequest) => Promise<Started>) => async (r: RouteRequest) => startedReply(r.res, await f(r));
  return [
    {
      method: 'GET',
      pattern: 'session',
      handle: (r) => sendJson(r.res, 200, { csrfToken: r.session.csrfToken, dataDir: d.dataDir }),
    },
    { method: 'GET', pattern: 'events', handle: (r) => d.events.add(r.res) },
    { method: 'GET', pattern: 'forms/:name', handle: (r) => sendJson(r.res, 200, describeForm(schema, formName(r.params.name!))) },
    { method: 'GET', pattern: 'environments', handle: (r) => sendJson(r.res, 200, views.environments()) },
    { method: 'GET', pattern: 'environments/:name', handle: (r) => sendJson(r.res, 200, views.environment(r.params.name!)) },
    { method: 'GET', pattern: 'dsources', handle: (r) => sendJson(r.res, 200, views.dsources()) },
    { method: 'GET', pattern: 'dsources/:name', handle: (r) => sendJson(r.res, 200, views.dsource(r.params.name!)) },
    { method: 'GET', pattern: 'vdbs', handle: (r) => sendJson(r.res, 200, views.vdbs()) },
    { method: 'GET', pattern: 'vdbs/:name', handle: (r) => sendJson(r.res, 200, views.vdb(r.params.name!)) },
    { method: 'GET', pattern: 'jobs', handle: (r) => sendJson(r.res, 200, views.jobList(limitOf(r.url))) },
    { method: 'GET', pattern: 'jobs/:name', handle: (r) => sendJson(r.res, 200, views.job(jobId(r.params.name!))) },
    { method: 'DELETE', pattern: 'environments/:name', handle: started((r) => actions.deleteEnvironment(r.params.name!, r.body)) },
    { method: 'DELETE', pattern: 'dsources/:name', handle: started((r) => actions.deleteDSource(r.params.name!, r.body)) },
    { method: 'DELETE', pattern: 'vdbs/:name', handle: started((r) => actions.deleteVdb(r.params.name!, r.body)) },
    {
      method: 'POST',
      pattern: 'validate/:name',
      handle: (r) => {
        const name = formName(r.params.name!);
        const problems = fieldProblems(schema.check(name, schema.withDefaults(name, r.body)));
        sendJson(r.res, 200, { valid: problems.length === 0, problems });
      },
    },
    { method: 'POST', pattern: 'environments', handle: started((r) => actions.addEnvironment(r.body)) },
    { method: 'POST', pattern: 'dsources', handle: started((r) => actions.link(r.body)) },
    { method: 'POST', pattern: 'vdbs', handle: started((r) => actions.provision(r.body)) },
    { method: 'POST', pattern: 'environments/:name/discover', handle: started((r) => actions.discover(r.params.name!)) },
    {
      method: 'POST',
      pattern: 'dsources/:name/:verb',
      handle: started((r) => actions.dsource(r.params.name!, r.params.verb!, r.body)),
    },
    { method: 'POST', pattern: 'vdbs/:name/:verb', handle: started((r) => actions.vdb(r.params.name!, r.params.verb!, r.body)) },
  ];
}

/** The captured segments when `parts` (below /api/) match `pattern`, else null. */
function match(pattern: string, parts: string[]): Record<string, string> | null {
  const want = pattern.split('/');
  if (want.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const part = parts[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = part;
    else if (w !== part) return null;
  }
  return params;
}

export async function dispatchApi(
  routes: Route[],
  auth: ConsoleAuth,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  session: Session,
): Promise<void> {
  const parts = url.pathname
    .split('/')
    .slice(2)
    .map((p) => decodeURIComponent(p));
  const method = req.method ?? 'GET';
  if (parts.length > 3) throw new HttpError(404, `No API endpoint ${url.pathname}.`, 'See the console page.');
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE')
    throw new HttpError(405, `Method ${method} is not allowed.`, 'Use GET, POST or DELETE.');
  let body: Record<string, unknown> = {};
  if (method !== 'GET') {
    auth.checkStateChange(req, session);
    body = await readJsonObject(req);
  }
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = match(route.pattern, parts);
    if (params) return route.handle({ res, url, session, params, body });
  }
  throw new HttpError(
    404,
    `No API endpoint ${method} ${url.pathname}.`,
    method === 'DELETE' ? DELETE_ACTION : 'See the console page.',
  );
}
