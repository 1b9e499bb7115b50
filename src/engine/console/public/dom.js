// Building DOM nodes without HTML strings: every value from the API goes in as text, never as markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = String(v);
    else if (k === 'checked') el.checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** ISO-8601 UTC as shown on the pages: date, time, and Z kept so nobody reads it as local time. */
export function time(iso) {
  if (!iso) return '–';
  return String(iso)
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const sec = Math.round(Math.abs(seconds));
  const hh = Math.floor(sec / 3600);
  const mm = Math.floor((sec % 3600) / 60);
  const ss = sec % 60;
  const parts = [];
  if (hh) parts.push(`${hh} h`);
  if (mm || hh) parts.push(`${mm} min`);
  parts.push(`${ss} s`);
  return parts.join(' ');
}

/** A data table: columns are [label, row => cell content]; `rowClass(row)` optionally classes a row. */
export function table(caption, columns, rows, empty = 'None yet.', rowClass = () => undefined) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    caption ? h('caption', {}, caption) : null,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map(([label]) => h('th', { scope: 'col' }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          { class: rowClass(r) },
          columns.map(([, cell]) => h('td', {}, cell(r))),
        ),
      ),
    ),
  );
}

/** A definition list of label → value pairs (null values shown as a dash). */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === undefined || v === '' ? '–' : v)]),
  );
}

export function status(text) {
  return h('span', { class: `status status-${String(text).toLowerCase()}` }, text);
}

export function link(href, text) {
  return h('a', { href }, text);
}

export const enc = encodeURIComponent;
