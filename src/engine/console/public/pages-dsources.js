// dSources: the list, one dSource with its snapshots, and the link form built from linkedSourceDefinition.

import { get, send } from './api.js';
import { enc, facts, h, link, status, table, time } from './dom.js';
import { schemaFields } from './forms.js';
import {
  actionButton,
  actionForm,
  deleteButton,
  errorBox,
  listPage,
  nameField,
  recentJobs,
  selectField,
  showLocalProblems,
} from './kit.js';

export function dsourcesPage() {
  return listPage({
    title: 'dSources',
    api: '/api/dsources',
    key: 'dsources',
    add: ['#/dsources/new', 'Link dSource'],
    caption: 'Linked source tenants',
    columns: [
      ['Name', (d) => link(`#/dsources/${enc(d.name)}`, d.name)],
      ['Status', (d) => status(d.status)],
      ['Source', (d) => `${d.sourceConfigName} (${d.environmentName})`],
      ['Snapshots', (d) => String(d.snapshots)],
      ['Latest origin (UTC)', (d) => time(d.latestSnapshot?.metadata?.originTimestamp)],
    ],
    empty: 'No dSources yet: link one from a source config.',
  });
}

function paramsFacts(descriptor, d) {
  return facts(
    descriptor.fields.map((f) => [
      f.label,
      f.password
        ? d.secretsSet.includes(f.name)
          ? 'set (write-only)'
          : 'not set'
        : d.parameters[f.name] === undefined
          ? '–'
          : String(d.parameters[f.name]),
    ]),
  );
}

/** Sync with the snapshot parameters form; a started sync opens its job. */
function syncDSourceForm(snapForm, path) {
  const syncFields = schemaFields(snapForm, {
    legend: 'Sync parameters',
    idPrefix: 'sync',
    definition: 'snapshotParametersDefinition',
  });
  return actionForm({
    id: 'sync-dsource',
    label: 'Sync dSource',
    parts: [syncFields.element],
    submitLabel: 'Sync now',
    submit: async (summary) => {
      const { value, problems } = syncFields.read();
      if (problems.length) return showLocalProblems(summary, problems, [syncFields]);
      const r = await send('POST', `${path}/sync`, { parameters: value });
      if (r.jobId) location.hash = `#/jobs/${r.jobId}`;
    },
  });
}

export async function dsourcePage([name]) {
  const [d, linkedForm, snapForm] = await Promise.all([
    get(`/api/dsources/${enc(name)}`),
    get('/api/forms/linkedSourceDefinition'),
    get('/api/forms/snapshotParametersDefinition'),
  ]);
  const ds = d.dsource;
  const path = `/api/dsources/${enc(ds.name)}`;
  const errors = h('div', { class: 'action-errors' });
  const syncForm = syncDSourceForm(snapForm, path);
  return {
    title: `dSource ${ds.name}`,
    live: true,
    node: [
      facts([
        ['Status', status(ds.status)],
        ['Source config', ds.sourceConfigName],
        ['Repository', ds.repositoryName],
        ['Environment', link(`#/environments/${enc(ds.environmentName)}`, ds.environmentName)],
        ['Created', time(ds.createdAt)],
      ]),
      h(
        'div',
        { class: 'actions', role: 'group', 'aria-label': 'dSource actions' },
        ds.status === 'disabled'
          ? actionButton('Enable', 'POST', `${path}/enable`, {}, errors)
          : actionButton('Disable', 'POST', `${path}/disable`, {}, errors),
        deleteButton(
          '#/dsources',
          `Staging stops and the dSource ${ds.name} with its snapshots is removed. VDBs must be deleted first.`,
          ds.name,
          path,
          errors,
        ),
      ),
      errors,
      h('details', {}, h('summary', {}, 'Sync (take a new snapshot)'), syncForm),
      ...sourceCheck(d, path, errors),
      h('h2', {}, 'Snapshots'),
      table(
        'Each snapshot is a point in time VDBs recover to: origin = taken at − RPO offset',
        [
          ['ID', (s) => String(s.id)],
          ['Taken at (UTC)', (s) => time(s.metadata.takenAt)],
          ['Origin timestamp (UTC)', (s) => time(s.metadata.originTimestamp)],
          ['RPO offset (min)', (s) => String(s.metadata.rpoOffsetMinutes ?? '–')],
          ['Source', (s) => `${s.metadata.sourceTenant ?? '?'}@${s.metadata.sourceSid ?? '?'}`],
          ['', (s) => link(`#/vdbs/new?snapshot=${s.id}`, `Provision VDB from snapshot ${s.id}`)],
        ],
        d.snapshots,
        'No snapshots.',
      ),
      h('h2', {}, 'VDBs'),
      table(
        null,
        [
          ['Name', (v) => link(`#/vdbs/${enc(v.name)}`, v.name)],
          ['Status', (v) => status(v.status)],
          ['Current snapshot', (v) => String(v.currentSnapshotId ?? '–')],
        ],
        d.vdbs,
        'No VDBs from this dSource.',
      ),
      h('h2', {}, 'Parameters'),
      paramsFacts(linkedForm, ds),
      h('h2', {}, 'Recent jobs'),
      recentJobs(d.jobs),
    ],
  };
}

/**
 * `hana-vdb dsource check`: what a provision would ask of the backup source, read from a target host; changes
 * nothing. The verdict lines show on the job's page.
 */
function sourceCheck(d, path, errors) {
  const from = selectField(
    'check-from',
    'Check from',
    "The target host and keys of a VDB; by default where this dSource's VDBs are.",
    [['', 'where its VDBs are'], ...d.vdbs.map((v) => [v.name, `the target of VDB ${v.name}`])],
    '',
  );
  const body = () => (from.select.value ? { vdb: from.select.value } : {});
  return [
    h('h2', {}, 'Backup source check'),
    h(
      'p',
      { class: 'help' },
      'Reads, from a target host, what a provision needs of the source backups (parameter file, catalog, ' +
        'newest data and log backups against the RPO offset, access through Backint); changes nothing.',
    ),
    h('div', { class: 'inline-action' }, from.node, actionButton('Check backup source', 'POST', `${path}/check`, body, errors)),
  ];
}

/** Repository and source config follow the chosen environment; the source config suggests the tenant. */
async function linkSourceChoices(env, repo, sc, fields, query) {
  let detail = null;
  const fillSourceConfigs = (wanted) => {
    const r = detail.repositories.find((x) => x.name === repo.select.value);
    const configs = detail.sourceConfigs.filter((s) => s.present && r && s.repositoryId === r.id);
    sc.select.replaceChildren(...configs.map((s) => h('option', { value: s.name, selected: s.name === wanted }, s.name)));
    // The tenant is named by the source config: offer it, the DBA may still change it.
    const tenant = configs.find((s) => s.name === sc.select.value)?.object?.tenant;
    const input = fields.controls.get('sourceTenant');
    if (tenant && input && !input.value) input.value = tenant;
  };
  const fillRepositories = async (wantedRepo, wantedSc) => {
    detail = await get(`/api/environments/${enc(env.select.value)}`);
    const repos = detail.repositories.filter((r) => r.present);
    repo.select.replaceChildren(...repos.map((r) => h('option', { value: r.name, selected: r.name === wantedRepo }, r.name)));
    fillSourceConfigs(wantedSc);
  };
  env.select.addEventListener('change', () => fillRepositories(null, null));
  repo.select.addEventListener('change', () => fillSourceConfigs(null));
  sc.select.addEventListener('change', () => {
    const tenant = detail.sourceConfigs.find((s) => s.name === sc.select.value)?.object?.tenant;
    const input = fields.controls.get('sourceTenant');
    if (tenant && input) input.value = tenant;
  });
  await fillRepositories(query.get('repo'), query.get('sc'));
}

export async function linkPage(_params, query) {
  const [{ environments }, descriptor] = await Promise.all([get('/api/environments'), get('/api/forms/linkedSourceDefinition')]);
  if (!environments.length)
    return {
      title: 'Link dSource',
      node: [h('p', {}, 'Add an environment first: ', link('#/environments/new', 'Add environment'), '.')],
    };
  const name = nameField('link-name', 'dSource name', 'How the engine names this dSource.');
  const env = selectField(
    'link-environment',
    'Environment',
    'Host of the source system.',
    environments.map((e) => [e.name, e.name]),
    query.get('env') ?? environments[0].name,
  );
  const repo = selectField('link-repository', 'Repository', 'HANA installation (SID, instance, version).', [], null);
  const sc = selectField('link-source-config', 'Source config', 'Tenant database to link.', [], null);
  const fields = schemaFields(descriptor, {
    legend: 'dSource parameters (linkedSourceDefinition)',
    idPrefix: 'linked',
    definition: 'linkedSourceDefinition',
  });
  await linkSourceChoices(env, repo, sc, fields, query);
  const form = actionForm({
    id: 'link-dsource',
    label: 'Link dSource',
    parts: [h('fieldset', {}, h('legend', {}, 'Source'), name.node, env.node, repo.node, sc.node), fields.element],
    submitLabel: 'Link and take the first snapshot',
    submit: async (summary) => {
      const nameProblem = name.read();
      const { value, problems } = fields.read();
      const all = [...(nameProblem ? [{ field: 'name', message: nameProblem }] : []), ...problems];
      if (all.length) {
        showLocalProblems(summary, all, [fields]);
        if (nameProblem) name.input.focus();
        return;
      }
      try {
        const r = await send('POST', '/api/dsources', {
          name: name.input.value,
          environment: env.select.value,
          repository: repo.select.value,
          sourceConfig: sc.select.value,
          parameters: value,
        });
        if (r.jobId) location.hash = `#/jobs/${r.jobId}`;
      } catch (err) {
        const problemsFromServer = err.problems ?? [];
        for (const p of problemsFromServer.filter((x) => x.field === 'name')) name.show(p.message);
        fields.showProblems(problemsFromServer);
        summary.replaceChildren(errorBox(err));
        fields.focusFirstInvalid();
      }
    },
  });
  return {
    title: 'Link dSource',
    node: [
      h(
        'p',
        {},
        'Linking records the dSource and takes its first snapshot. The form comes from the ' +
          "plugin's schema.json; every field is checked here and again by the engine.",
      ),
      form,
    ],
  };
}
