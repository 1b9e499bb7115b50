// VDBs: the list, one VDB with its recovery history as timelines, and the provision form
// built from virtualSourceDefinition.

import { get, send } from './api.js';
import { duration, enc, facts, h, link, status, table, time } from './dom.js';
import { schemaFields } from './forms.js';
import {
  actionButton,
  actionForm,
  confirmedButton,
  deleteButton,
  errorBox,
  listPage,
  nameField,
  recentJobs,
  selectField,
  showLocalProblems,
} from './kit.js';
import { recoveryTimeline } from './timeline.js';

export function vdbsPage() {
  return listPage({
    title: 'VDBs',
    api: '/api/vdbs',
    key: 'vdbs',
    add: ['#/vdbs/new', 'Provision VDB'],
    caption: 'Virtual copies of dSource tenants',
    columns: [
      ['Name', (v) => link(`#/vdbs/${enc(v.name)}`, v.name)],
      ['Status', (v) => status(v.status)],
      ['Target', (v) => `${v.parameters.targetTenant ?? '?'} (${v.repositoryName})`],
      ['dSource', (v) => link(`#/dsources/${enc(v.dsourceName)}`, v.dsourceName)],
      ['Current snapshot', (v) => String(v.currentSnapshotId ?? '–')],
    ],
    empty: 'No VDBs yet: provision one from a dSource snapshot.',
  });
}

const snapLabel = (s) =>
  s.kind === 'vdb'
    ? `${s.id}: VDB snapshot, achieved ${time(s.metadata.achievedTimestamp)}`
    : `${s.id}: origin ${time(s.metadata.originTimestamp)}`;

function historyTable(history) {
  return table(
    'Recovery history',
    [
      ['Operation', (r) => `${r.operation} (job ${r.jobId})`],
      ['Outcome', (r) => status(r.outcome)],
      ['Executed (UTC)', (r) => time(r.metadata?.executionTimestamp)],
      ['Requested (UTC)', (r) => time(r.metadata?.recoveryTimestamp)],
      ['Achieved (UTC)', (r) => time(r.metadata?.achievedTimestamp)],
      ['Drift', (r) => duration(r.metadata?.driftSeconds)],
      ['Recovery info', (r) => r.metadata?.recoveryInfo ?? r.error ?? '–'],
    ],
    history,
    'No recoveries yet.',
  );
}

export async function vdbPage([name]) {
  const [d, descriptor] = await Promise.all([get(`/api/vdbs/${enc(name)}`), get('/api/forms/virtualSourceDefinition')]);
  const v = d.vdb;
  const path = `/api/vdbs/${enc(v.name)}`;
  const errors = h('div', { class: 'action-errors' });
  return {
    title: `VDB ${v.name}`,
    live: true,
    node: [
      facts([
        ['Status', status(v.status)],
        ['dSource', link(`#/dsources/${enc(v.dsourceName)}`, v.dsourceName)],
        ['Environment', link(`#/environments/${enc(v.environmentName)}`, v.environmentName)],
        ['Repository', v.repositoryName],
        ['Provisioned from snapshot', String(v.provisionedFromSnapshotId ?? '–')],
        ['Current snapshot', String(v.currentSnapshotId ?? '–')],
      ]),
      ...vdbActions(d, path, errors),
      errors,
      ...vdbSections(d, descriptor),
    ],
  };
}

/**
 * What the confirmations say: what the action does to the target tenant, naming the chosen snapshot. (The CLI
 * runs these without asking; a click is easier to make by mistake than a typed command.)
 */
function askTexts(v) {
  const tenant = `Tenant ${v.parameters.targetTenant ?? '?'} on ${v.repositoryName}`;
  const chosen = (select) => select.selectedOptions[0]?.textContent ?? '';
  const lost = 'what was written to the VDB since its last recovery is lost';
  return {
    stop: {
      title: `Stop ${v.name}?`,
      text: `${tenant} is stopped; its sessions end until it is started again.`,
      ok: 'Stop',
    },
    refresh: (select) => ({
      title: `Refresh ${v.name}?`,
      text:
        `${tenant} is stopped and recovered to ` +
        (select.value ? `snapshot ${chosen(select)}` : `the newest snapshot of dSource ${v.dsourceName}`) +
        `; ${lost}.`,
      ok: 'Refresh',
    }),
    rewind: (select) => ({
      title: `Rewind ${v.name}?`,
      text: `${tenant} is stopped and recovered to snapshot ${chosen(select)}; ${lost}.`,
      ok: 'Rewind',
    }),
  };
}

/** The VDB's actions: snapshot, start, stop, enable/disable, delete; refresh and rewind with their snapshot. */
function vdbActions(d, path, errors) {
  const v = d.vdb;
  const refreshSel = selectField(
    'refresh-snapshot',
    'Refresh from',
    'A snapshot of the dSource; the latest when not chosen.',
    [
      ['', 'latest dSource snapshot'],
      ...d.dsourceSnapshots
        .slice()
        .reverse()
        .map((s) => [String(s.id), snapLabel(s)]),
    ],
    '',
  );
  const rewindOptions = [...d.snapshots.filter((s) => s.kind === 'vdb'), ...d.dsourceSnapshots].sort((a, b) => b.id - a.id);
  const rewindSel = selectField(
    'rewind-snapshot',
    'Rewind to',
    'A snapshot of this VDB or of its dSource.',
    rewindOptions.map((s) => [String(s.id), snapLabel(s)]),
    null,
  );
  const refreshBody = () => (refreshSel.select.value ? { snapshotId: Number(refreshSel.select.value) } : {});
  const ask = askTexts(v);
  return [
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': 'VDB actions' },
      actionButton('Snapshot', 'POST', `${path}/snapshot`, {}, errors),
      actionButton('Start', 'POST', `${path}/start`, {}, errors),
      confirmedButton('Stop…', () => ask.stop, 'POST', `${path}/stop`, {}, errors),
      v.status === 'disabled'
        ? actionButton('Enable', 'POST', `${path}/enable`, {}, errors)
        : actionButton('Disable', 'POST', `${path}/disable`, {}, errors),
      deleteButton(
        '#/vdbs',
        `The tenant ${v.parameters.targetTenant ?? ''} is unconfigured and the VDB ${v.name} is removed with its snapshots.`,
        v.name,
        path,
        errors,
        { allowForce: true },
      ),
    ),
    h(
      'div',
      { class: 'actions-row' },
      h(
        'div',
        { class: 'inline-action' },
        refreshSel.node,
        confirmedButton('Refresh…', () => ask.refresh(refreshSel.select), 'POST', `${path}/refresh`, refreshBody, errors),
      ),
      rewindOptions.length
        ? h(
            'div',
            { class: 'inline-action' },
            rewindSel.node,
            confirmedButton(
              'Rewind…',
              () => ask.rewind(rewindSel.select),
              'POST',
              `${path}/rewind`,
              () => ({ snapshotId: Number(rewindSel.select.value) }),
              errors,
            ),
          )
        : null,
    ),
  ];
}

/** Recovery history (timelines and table), snapshots, parameters and recent jobs. */
function vdbSections(d, descriptor) {
  const v = d.vdb;
  return [
    h('h2', {}, 'Recovery history'),
    h(
      'p',
      { class: 'help' },
      'Each recovery on its own time axis: the diamond is the requested time (RECOVER … UNTIL ' +
        'TIMESTAMP), the dot the point HANA reached; the shaded band is the gap.',
    ),
    d.history
      .slice()
      .reverse()
      .map((r, i) => recoveryTimeline(r, i)),
    historyTable(d.history),
    h('h2', {}, 'Snapshots'),
    table(
      null,
      [
        ['ID', (s) => String(s.id)],
        ['Taken at (UTC)', (s) => time(s.metadata.takenAt)],
        ['Requested (UTC)', (s) => time(s.metadata.recoveryTimestamp)],
        ['Achieved (UTC)', (s) => time(s.metadata.achievedTimestamp)],
        ['Drift', (s) => duration(s.metadata.driftSeconds)],
        ['From dSource snapshot', (s) => String(s.parentSnapshotId ?? '–')],
      ],
      d.snapshots,
      'No snapshots.',
    ),
    h('h2', {}, 'Parameters'),
    facts(
      descriptor.fields.map((f) => [
        f.label,
        f.password
          ? v.secretsSet.includes(f.name)
            ? 'set (write-only)'
            : 'not set'
          : v.parameters[f.name] === undefined
            ? '–'
            : String(v.parameters[f.name]),
      ]),
    ),
    h('h2', {}, 'Recent jobs'),
    recentJobs(d.jobs),
  ];
}

/** Target environment and repository; the repositories follow the chosen environment. */
async function targetFields(environments) {
  const env = selectField(
    'vdb-environment',
    'Target environment',
    'Host of the target system.',
    environments.map((e) => [e.name, e.name]),
    environments[0].name,
  );
  const repo = selectField('vdb-repository', 'Target repository', 'HANA installation that receives the copy.', [], null);
  const fillRepositories = async () => {
    const detail = await get(`/api/environments/${enc(env.select.value)}`);
    repo.select.replaceChildren(...detail.repositories.filter((r) => r.present).map((r) => h('option', { value: r.name }, r.name)));
  };
  env.select.addEventListener('change', fillRepositories);
  await fillRepositories();
  return { env, repo };
}

export async function provisionPage(_params, query) {
  const [{ environments }, { dsources }, descriptor] = await Promise.all([
    get('/api/environments'),
    get('/api/dsources'),
    get('/api/forms/virtualSourceDefinition'),
  ]);
  const snapshots = (await Promise.all(dsources.map((d) => get(`/api/dsources/${enc(d.name)}`)))).flatMap((d) =>
    d.snapshots.map((s) => ({ ...s, dsourceName: d.dsource.name })),
  );
  if (!snapshots.length || !environments.length)
    return {
      title: 'Provision VDB',
      node: [
        h('p', {}, 'Link a dSource first: VDBs are provisioned from its snapshots. ', link('#/dsources/new', 'Link dSource'), '.'),
      ],
    };
  const name = nameField('vdb-name', 'VDB name', 'How the engine names this VDB.');
  const snap = selectField(
    'vdb-snapshot',
    'dSource snapshot',
    'The point in time to recover to (origin timestamp).',
    snapshots
      .slice()
      .reverse()
      .map((s) => [String(s.id), `${s.dsourceName} snapshot ${s.id}: origin ${time(s.metadata.originTimestamp)}`]),
    query.get('snapshot') ?? undefined,
  );
  const { env, repo } = await targetFields(environments);
  const fields = schemaFields(descriptor, {
    legend: 'VDB parameters (virtualSourceDefinition)',
    idPrefix: 'virtual',
    definition: 'virtualSourceDefinition',
  });
  const form = actionForm({
    id: 'provision-vdb',
    label: 'Provision VDB',
    parts: [h('fieldset', {}, h('legend', {}, 'Source and target'), name.node, snap.node, env.node, repo.node), fields.element],
    submitLabel: 'Provision',
    submit: async (summary) => {
      const nameProblem = name.read();
      const { value, problems } = fields.read();
      const all = [...(nameProblem ? [{ field: 'name', message: nameProblem }] : []), ...problems];
      if (all.length) return showLocalProblems(summary, all, [fields]);
      try {
        const r = await send('POST', '/api/vdbs', {
          name: name.input.value,
          snapshotId: Number(snap.select.value),
          environment: env.select.value,
          repository: repo.select.value,
          parameters: value,
        });
        if (r.jobId) location.hash = `#/jobs/${r.jobId}`;
      } catch (err) {
        for (const p of (err.problems ?? []).filter((x) => x.field === 'name')) name.show(p.message);
        fields.showProblems(err.problems ?? []);
        summary.replaceChildren(errorBox(err));
        fields.focusFirstInvalid();
      }
    },
  });
  return {
    title: 'Provision VDB',
    node: [
      h(
        'p',
        {},
        "HANA recovers the target tenant to the snapshot's origin timestamp from the source's " +
          'Backint backups; the engine records what was requested and what was reached.',
      ),
      form,
    ],
  };
}
