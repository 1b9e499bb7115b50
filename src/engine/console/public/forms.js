// Forms from a field descriptor (GET /api/forms/<definition>, built from schema.json): labels, help,
// defaults, choices, and the schema's bounds and patterns checked here before anything is sent. The server
// checks again with the engine's Ajv (on leaving a field: POST /api/validate/<definition>; on submit: the action).

import { h } from './dom.js';
import { send } from './api.js';

function codePoints(text) {
  return [...text].length; // as Ajv counts string length
}

function bound(field, value) {
  const label = field.label;
  if (field.minimum !== undefined && value < field.minimum) return `${label} must be at least ${field.minimum}.`;
  if (field.maximum !== undefined && value > field.maximum) return `${label} must be at most ${field.maximum}.`;
  if (field.exclusiveMinimum !== undefined && value <= field.exclusiveMinimum)
    return `${label} must be more than ${field.exclusiveMinimum}.`;
  if (field.exclusiveMaximum !== undefined && value >= field.exclusiveMaximum)
    return `${label} must be less than ${field.exclusiveMaximum}.`;
  return null;
}

/** The typed value of one field and what is wrong with it (null when nothing). */
export function checkField(field, raw) {
  const label = field.label;
  if (field.type === 'boolean') return { value: raw === true, problem: null };
  const text = typeof raw === 'string' ? raw : '';
  if (text.trim() === '') return { value: undefined, problem: field.required ? `${label} is required.` : null };
  if (field.type === 'integer' || field.type === 'number') {
    const ok = field.type === 'integer' ? /^-?\d+$/.test(text.trim()) : text.trim() !== '' && Number.isFinite(Number(text));
    if (!ok) return { value: text, problem: `${label} must be a ${field.type === 'integer' ? 'whole number' : 'number'}.` };
    const n = Number(text);
    return { value: n, problem: bound(field, n) };
  }
  if (field.type === 'json') {
    try {
      return { value: JSON.parse(text), problem: null };
    } catch (e) {
      return { value: text, problem: `${label} must be JSON: ${e.message}` };
    }
  }
  if (field.enum && !field.enum.includes(text))
    return { value: text, problem: `${label} must be one of ${field.enum.join(', ')}.` };
  const msg = field.messages ?? {};
  if (field.minLength !== undefined && codePoints(text) < field.minLength)
    return { value: text, problem: msg.minLength ?? `${label} needs at least ${field.minLength} characters.` };
  if (field.maxLength !== undefined && codePoints(text) > field.maxLength)
    return { value: text, problem: msg.maxLength ?? `${label} takes at most ${field.maxLength} characters.` };
  if (field.pattern !== undefined && !new RegExp(field.pattern).test(text)) {
    return {
      value: text,
      problem: msg.pattern ? `${label}: ${msg.pattern}` : `${label} is not in the accepted form (${field.pattern}).`,
    };
  }
  return { value: text, problem: null };
}

function control(field, id, initial) {
  const described = `${id}-help ${id}-error`;
  const common = { id, name: field.name, 'aria-describedby': described, required: field.required && field.type !== 'boolean' };
  if (field.type === 'boolean') return h('input', { ...common, type: 'checkbox', checked: initial === true });
  if (field.enum) {
    return h(
      'select',
      common,
      field.required ? null : h('option', { value: '' }, '(not set)'),
      field.enum.map((v) => h('option', { value: String(v), selected: String(initial) === String(v) }, String(v))),
    );
  }
  const value = initial === undefined || initial === null ? '' : field.type === 'json' ? JSON.stringify(initial) : String(initial);
  if (field.rows || field.type === 'json') return h('textarea', { ...common, rows: field.rows ?? 3, value });
  if (field.password) return h('input', { ...common, type: 'password', autocomplete: 'new-password', value: '' });
  if (field.type === 'integer' || field.type === 'number') {
    // Text with a numeric keyboard: the browser's own number parsing would hide what was typed ("-5x" → "").
    return h('input', { ...common, type: 'text', inputmode: 'numeric', value });
  }
  return h('input', { ...common, type: 'text', autocomplete: 'off', spellcheck: 'false', value });
}

function rawValue(el, field) {
  return field.type === 'boolean' ? el.checked : el.value;
}

/**
 * The fields of `descriptor` as a fieldset. `initial` pre-fills (else the schema defaults); `definition`
 * enables the server-side check of a field when it is left.
 */
/** One field's row: label (required, write-only), control, help and its error line. */
function fieldRow(field, id, el, err) {
  const label = h(
    'label',
    { for: id },
    field.label,
    field.required ? h('span', { class: 'req' }, ' (required)') : null,
    field.password ? h('span', { class: 'req' }, ' (write-only)') : null,
  );
  const help = h('p', { id: `${id}-help`, class: 'help' }, field.help);
  return h(
    'div',
    { class: `field field-${field.type === 'boolean' ? 'check' : 'text'}` },
    field.type === 'boolean' ? [el, label] : [label, el],
    help,
    err,
  );
}

export function schemaFields(descriptor, { legend, idPrefix, initial = {}, definition } = {}) {
  const controls = new Map();
  const errors = new Map();
  const fieldset = h('fieldset', { class: 'schema-form' }, legend ? h('legend', {}, legend) : null);
  for (const field of descriptor.fields) {
    const id = `${idPrefix}-${field.name}`;
    const start = field.password ? undefined : (initial[field.name] ?? field.default);
    const el = control(field, id, start);
    const err = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
    controls.set(field.name, el);
    errors.set(field.name, err);
    fieldset.append(fieldRow(field, id, el, err));
    const checkOne = async () => {
      const { problem } = checkField(field, rawValue(el, field));
      show(field.name, problem);
      if (problem || !definition) return;
      try {
        const r = await send('POST', `/api/validate/${definition}`, collect().value);
        const mine = r.problems.find((p) => p.field === field.name);
        show(field.name, mine ? `${mine.message}. ${mine.fix}` : null);
      } catch {
        // The check on submit reports it.
      }
    };
    el.addEventListener('change', checkOne);
  }

  function show(name, message) {
    const el = controls.get(name);
    const err = errors.get(name);
    if (!el || !err) return false;
    err.textContent = message ?? '';
    err.hidden = !message;
    if (message) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
    return true;
  }

  function collect() {
    const value = {};
    const problems = [];
    for (const field of descriptor.fields) {
      const r = checkField(field, rawValue(controls.get(field.name), field));
      if (r.value !== undefined) value[field.name] = r.value;
      if (r.problem) problems.push({ field: field.name, message: r.problem });
    }
    return { value, problems };
  }

  return {
    element: fieldset,
    controls,
    /** Values typed as the schema says, and the problems found here. */
    read() {
      const r = collect();
      for (const field of descriptor.fields) show(field.name, r.problems.find((p) => p.field === field.name)?.message ?? null);
      return r;
    },
    /** Show problems (from here or the server) at their fields; returns those that belong to no field. */
    showProblems(problems) {
      return problems.filter((p) => !show(p.field, p.fix ? `${p.message}. ${p.fix}` : p.message));
    },
    focusFirstInvalid() {
      for (const el of controls.values()) {
        if (el.getAttribute('aria-invalid') === 'true') {
          el.focus();
          return;
        }
      }
    },
  };
}
