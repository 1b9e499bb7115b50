// The console page: hash routes to pages, and live updates from the engine's event stream.

import { openSession } from './api.js';
import { h } from './dom.js';
import { errorBox } from './kit.js';
import { addEnvironmentPage, environmentPage, environmentsPage } from './pages-environments.js';
import { dsourcePage, dsourcesPage, linkPage } from './pages-dsources.js';
import { jobPage, jobsPage } from './pages-jobs.js';
import { provisionPage, vdbPage, vdbsPage } from './pages-vdbs.js';

const ROUTES = [
  [/^\/environments$/, environmentsPage],
  [/^\/environments\/new$/, addEnvironmentPage],
  [/^\/environments\/([^/]+)$/, environmentPage],
  [/^\/dsources$/, dsourcesPage],
  [/^\/dsources\/new$/, linkPage],
  [/^\/dsources\/([^/]+)$/, dsourcePage],
  [/^\/vdbs$/, vdbsPage],
  [/^\/vdbs\/new$/, provisionPage],
  [/^\/vdbs\/([^/]+)$/, vdbPage],
  [/^\/jobs$/, jobsPage],
  [/^\/jobs\/(\d+)$/, jobPage],
];

const main = document.getElementById('main');
let current = null;
let renderSeq = 0;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/environments';
  const [path, search = ''] = hash.split('?');
  for (const [re, page] of ROUTES) {
    const m = re.exec(path);
    if (m) return { page, params: m.slice(1).map(decodeURIComponent), query: new URLSearchParams(search), path };
  }
  return null;
}

function markNav(path) {
  for (const a of document.querySelectorAll('nav a')) {
    const here = path.startsWith(a.getAttribute('href').slice(1));
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** `refresh`: an update of the page shown (keep focus and scroll), not a navigation. */
async function render(refresh = false) {
  const seq = ++renderSeq;
  const r = route();
  if (!r) {
    location.hash = '#/environments';
    return;
  }
  markNav(r.path);
  let view;
  try {
    view = await r.page(r.params, r.query);
  } catch (err) {
    view = { title: 'Error', node: errorBox(err) };
  }
  if (seq !== renderSeq) return; // a newer navigation or update won
  current = view;
  document.title = `${view.title} — hana-vdb console`;
  const scroll = window.scrollY;
  main.replaceChildren(h('h1', { tabindex: '-1' }, view.title), ...[view.node].flat(Infinity).filter(Boolean));
  if (refresh) window.scrollTo(0, scroll);
  else main.querySelector('h1').focus();
}

/** Updates must not throw away what someone is typing or choosing. */
function busyEditing() {
  const a = document.activeElement;
  return (
    document.querySelector('dialog[open]') !== null ||
    (a && main.contains(a) && ['INPUT', 'SELECT', 'TEXTAREA'].includes(a.tagName))
  );
}

let pending = null;
function scheduleRefresh(event) {
  if (!current?.live) return;
  if (current.jobId !== undefined && event.jobId !== current.jobId && event.type !== 'job') return;
  if (current.jobId === undefined && event.type === 'log') return;
  clearTimeout(pending);
  pending = setTimeout(() => {
    if (!busyEditing()) render(true);
  }, 250);
}

function listen() {
  const state = document.getElementById('live-state');
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    state.textContent = 'Live updates on';
  });
  events.addEventListener('error', () => {
    state.textContent = 'Live updates interrupted; reconnecting…';
  });
  for (const type of ['job', 'progress', 'log']) {
    events.addEventListener(type, (e) => scheduleRefresh(JSON.parse(e.data)));
  }
}

async function start() {
  try {
    await openSession();
  } catch (err) {
    main.replaceChildren(h('h1', {}, 'hana-vdb console'), errorBox(err));
    return;
  }
  window.addEventListener('hashchange', () => render(false));
  listen();
  await render(false);
}

start();
