// What every page shares: list pages, error boxes, starting an action and following its job, delete confirmation.

import { h, link, status, table, time } from './dom.js';
import { get, send } from './api.js';

/** A list page: a link to the form that adds one, and a table of what the API lists under `key`. */
export async function listPage({ title, api, key, add, caption, columns, empty }) {
  const body = await get(api);
  return { title, live: true, node: [h('p', {}, link(add[0], add[1])), table(caption, columns, body[key], empty)] };
}

export function errorBox(err) {
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('p', {}, h('strong', {}, 'Error: '), err.message),
    err.action ? h('p', {}, err.action) : null,
  );
}

/** Send an action; a job opens its page (the page follows it), an action without a job calls `done`. */
export async function startAction(method, path, body, { errors, done } = {}) {
  try {
    const r = await send(method, path, body);
    if (r.jobId) location.hash = `#/jobs/${r.jobId}`;
    else done?.(r);
    return r;
  } catch (err) {
    if (errors) errors.replaceChildren(errorBox(err));
    throw err;
  }
}

/** An action button whose errors go to `errors`. */
export function actionButton(label, method, path, body, errors, attrs = {}) {
  return h(
    'button',
    {
      type: 'button',
      ...attrs,
      onclick: () => startAction(method, path, typeof body === 'function' ? body() : body, { errors }).catch(() => undefined),
    },
    label,
  );
}

/**
 * The confirmation before an action that stops the tenant or replaces its data: says what happens; resolves
 * true when confirmed.
 */
export function confirmAction(title, text, okLabel) {
  const dialog = document.getElementById('action-dialog');
  document.getElementById('action-title').textContent = title;
  document.getElementById('action-text').textContent = text;
  document.getElementById('action-ok').textContent = okLabel;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** An action button that asks first: `ask()` gives { title, text, ok } (read when clicked, so it names the choice). */
export function confirmedButton(label, ask, method, path, body, errors) {
  return h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        const q = ask();
        if (!(await confirmAction(q.title, q.text, q.ok))) return;
        await startAction(method, path, typeof body === 'function' ? body() : body, { errors }).catch(() => undefined);
      },
    },
    label,
  );
}

/** The delete dialog: the name must be typed; resolves { confirm, force } or null when cancelled. */
export function confirmDelete(text, name, { allowForce = false } = {}) {
  const dialog = document.getElementById('confirm-dialog');
  const input = document.getElementById('confirm-name');
  const force = document.getElementById('confirm-force');
  document.getElementById('confirm-title').textContent = `Delete ${name}?`;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-expected').textContent = name;
  document.getElementById('confirm-force-row').hidden = !allowForce;
  input.value = '';
  force.checked = false;
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        resolve(dialog.returnValue === 'ok' && input.value === name ? { confirm: input.value, force: force.checked } : null);
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
}

export function deleteButton(kindLabel, text, name, path, errors, { allowForce = false } = {}) {
  return h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async () => {
        const answer = await confirmDelete(text, name, { allowForce });
        if (!answer) return;
        await startAction('DELETE', path, allowForce ? answer : { confirm: answer.confirm }, {
          errors,
          done: () => {
            location.hash = kindLabel;
          },
        }).catch(() => undefined);
      },
    },
    'Delete…',
  );
}

/** A form with an error summary; `submit` returns the action promise or throws ApiError. */
export function actionForm({ id, label, parts, submitLabel, submit }) {
  const summary = h('div', { class: 'form-errors', 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const form = h('form', { id, 'aria-label': label, novalidate: true }, summary, parts, h('p', { class: 'buttons' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    summary.replaceChildren();
    button.disabled = true;
    try {
      await submit(summary);
    } catch (err) {
      summary.replaceChildren(errorBox(err));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Local problems in the summary, each a link to its field, and focus on the first. */
export function showLocalProblems(summary, problems, fieldsets) {
  summary.replaceChildren(
    h(
      'div',
      { class: 'error-box', role: 'alert' },
      h('p', {}, h('strong', {}, `${problems.length} field${problems.length === 1 ? '' : 's'} to correct:`)),
      h(
        'ul',
        {},
        problems.map((p) => h('li', {}, p.message)),
      ),
    ),
  );
  for (const f of fieldsets) f.focusFirstInvalid();
}

/** A labelled select; `options` are [value, text] pairs. */
export function selectField(id, label, help, options, selected) {
  const select = h(
    'select',
    { id, name: id, required: true, 'aria-describedby': `${id}-help` },
    options.map(([value, text]) => h('option', { value, selected: value === selected }, text)),
  );
  const node = h(
    'div',
    { class: 'field field-text' },
    h('label', { for: id }, label),
    select,
    h('p', { id: `${id}-help`, class: 'help' }, help),
  );
  return { node, select };
}

/** A labelled text input for a name. */
export function nameField(id, label, help, value = '') {
  const input = h('input', {
    id,
    name: id,
    type: 'text',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    value,
    'aria-describedby': `${id}-help ${id}-error`,
  });
  const err = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const node = h(
    'div',
    { class: 'field field-text' },
    h('label', { for: id }, label, h('span', { class: 'req' }, ' (required)')),
    input,
    h('p', { id: `${id}-help`, class: 'help' }, help),
    err,
  );
  const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
  const show = (message) => {
    err.textContent = message ?? '';
    err.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  return {
    node,
    input,
    show,
    read() {
      const problem = NAME.test(input.value)
        ? null
        : `${label}: use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.`;
      show(problem);
      return problem;
    },
  };
}

/** The recent jobs of an object, each linking to its job page. */
export function recentJobs(jobs) {
  return table(
    null,
    [
      ['Job', (j) => link(`#/jobs/${j.id}`, `${j.id} ${j.operation}`)],
      ['Outcome', (j) => status(j.outcome)],
      ['Started', (j) => time(j.startedAt)],
    ],
    jobs,
  );
}
