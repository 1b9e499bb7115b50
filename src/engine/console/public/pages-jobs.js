// Jobs: the list and one job with its live progress (HANA's progress lines) and log.

import { get } from './api.js';
import { enc, facts, h, link, status, table, time } from './dom.js';

const objectLink = (j) => {
  const base = { environment: '#/environments/', dsource: '#/dsources/', vdb: '#/vdbs/' }[j.objectType];
  // A check runs under its own lock key, "NAME (check)": the link goes to the dSource itself.
  const name = j.operation === 'dsource.check' ? j.objectName.replace(/ \(check\)$/, '') : j.objectName;
  return base ? link(`${base}${enc(name)}`, `${j.objectType} ${name}`) : `${j.objectType} ${name}`;
};

/** A `dsource check` report: the overall verdict, then one row per line with what was found and the fix. */
function checkReport(r) {
  if (!r || !Array.isArray(r.lines)) return null;
  return h(
    'section',
    { 'aria-label': 'Backup source check' },
    h('h2', {}, 'Backup source check'),
    h('p', {}, 'Verdict: ', status(r.verdict), ` (${r.source ?? '?'} from ${r.target?.host ?? '?'})`),
    table(
      null,
      [
        ['Check', (l) => l.title],
        ['Verdict', (l) => status(l.verdict)],
        ['Found', (l) => l.found],
        ['Fix', (l) => l.fix ?? ''],
      ],
      r.lines,
      'No lines.',
      (l) => `check-${l.verdict}`,
    ),
  );
}

function progressBar(j, label) {
  if (j.outcome !== 'running') return status(j.outcome);
  return h(
    'span',
    {},
    h('progress', { max: 100, value: j.progressPercent ?? undefined, 'aria-label': label }),
    ' ',
    j.progressPercent === null ? '' : `${Math.round(j.progressPercent)}%`,
  );
}

export async function jobsPage() {
  const { jobs } = await get('/api/jobs?limit=100');
  return {
    title: 'Jobs',
    live: true,
    node: table(
      'The newest 100 jobs',
      [
        ['ID', (j) => link(`#/jobs/${j.id}`, String(j.id))],
        ['Operation', (j) => j.operation],
        ['Object', objectLink],
        ['Outcome', (j) => progressBar(j, `Progress of job ${j.id}`)],
        ['Started (UTC)', (j) => time(j.startedAt)],
        ['Ended (UTC)', (j) => time(j.endedAt)],
        ['Error', (j) => j.error ?? ''],
      ],
      jobs,
      'No jobs yet.',
    ),
  };
}

// Debug lines (every remote script) are many and long: shown on request, remembered across live updates.
let showDebug = false;

export async function jobPage([id]) {
  const d = await get(`/api/jobs/${enc(id)}`);
  const j = d.job;
  return {
    title: `Job ${j.id}: ${j.operation}`,
    live: true,
    jobId: j.id,
    node: [
      facts([
        ['Object', objectLink(j)],
        ['Outcome', status(j.outcome)],
        ['Started (UTC)', time(j.startedAt)],
        ['Ended (UTC)', time(j.endedAt)],
        ['Error', j.error],
      ]),
      checkReport(d.result?.report),
      h(
        'section',
        { 'aria-label': 'Progress' },
        h('h2', {}, 'Progress'),
        j.outcome === 'running'
          ? h(
              'p',
              {},
              h('progress', { id: 'job-progress', max: 100, value: j.progressPercent ?? undefined, 'aria-label': 'Job progress' }),
              ' ',
              j.progressMessage ?? '',
            )
          : null,
        d.progress.length
          ? h(
              'ol',
              { class: 'progress-lines' },
              d.progress.map((p) =>
                h(
                  'li',
                  {},
                  h('time', { datetime: p.at }, time(p.at)),
                  ' ',
                  p.percent === null ? '' : `${Math.round(p.percent)}% `,
                  p.message,
                ),
              ),
            )
          : h('p', { class: 'empty' }, j.progressMessage ? `Last: ${j.progressMessage}` : 'No progress reported.'),
      ),
      h('h2', {}, 'Log'),
      h(
        'p',
        { class: 'field-check' },
        h('input', {
          type: 'checkbox',
          id: 'show-debug',
          checked: showDebug,
          onchange: (e) => {
            showDebug = e.target.checked;
            document.getElementById('job-log').classList.toggle('hide-debug', !showDebug);
          },
        }),
        h('label', { for: 'show-debug' }, `Show debug lines (${d.log.filter((l) => l.level === 'debug').length})`),
      ),
      h(
        'div',
        { id: 'job-log', class: showDebug ? '' : 'hide-debug' },
        table(
          null,
          [
            ['Time (UTC)', (l) => time(l.at)],
            ['Level', (l) => h('span', { class: `level level-${l.level}` }, l.level)],
            ['Message', (l) => h('span', { class: 'log-message' }, l.message)],
          ],
          d.log,
          'No log lines.',
          (l) => `log-${l.level}`,
        ),
      ),
    ],
  };
}
