// Environments: the list, one environment with what discovery found, and the form to add one.

import { get, send } from './api.js';
import { enc, facts, h, link, table, time } from './dom.js';
import { schemaFields } from './forms.js';
import { actionButton, actionForm, deleteButton, errorBox, listPage, showLocalProblems } from './kit.js';

export function environmentsPage() {
  return listPage({
    title: 'Environments',
    api: '/api/environments',
    key: 'environments',
    add: ['#/environments/new', 'Add environment'],
    caption: 'Hosts the engine reaches over SSH',
    columns: [
      ['Name', (e) => link(`#/environments/${enc(e.name)}`, e.name)],
      ['Address', (e) => `${e.address}:${e.port}`],
      ['Repositories', (e) => String(e.repositories)],
      ['Source configs', (e) => String(e.sourceConfigs)],
      ['Discovered', (e) => time(e.discoveredAt)],
    ],
    empty: 'No environments yet: add one.',
  });
}

export async function environmentPage([name]) {
  const d = await get(`/api/environments/${enc(name)}`);
  const e = d.environment;
  const errors = h('div', { class: 'action-errors' });
  const path = `/api/environments/${enc(e.name)}`;
  return {
    title: `Environment ${e.name}`,
    live: true,
    node: [
      facts([
        ['Reference', e.reference],
        ['Address', `${e.address}:${e.port}`],
        ['Host key', e.hostKeyFingerprint ?? (e.acceptNew ? `accept new, recorded in ${e.knownHostsFile}` : e.knownHostsFile)],
        [
          'Users',
          d.users
            .map((u) => `${u.name} (${u.authKind === 'key' ? `key ${u.keyFile}` : `password from $${u.passwordEnv}`})`)
            .join(', '),
        ],
        ['Scratch path', e.scratchPath],
        ['Discovered', time(e.discoveredAt)],
      ]),
      h(
        'div',
        { class: 'actions', role: 'group', 'aria-label': 'Environment actions' },
        actionButton('Discover', 'POST', `${path}/discover`, {}, errors),
        deleteButton(
          '#/environments',
          `The environment ${e.name} and what discovery found on it are removed from the engine (nothing changes on the host).`,
          e.name,
          path,
          errors,
        ),
      ),
      errors,
      h('h2', {}, 'Repositories (HANA installations)'),
      d.repositories.length
        ? d.repositories.map((r) =>
            h(
              'section',
              { class: 'card', 'aria-label': `Repository ${r.name}` },
              h('h3', {}, r.name, r.present ? '' : ' (missing at last discovery)'),
              facts(Object.entries(r.object).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])),
            ),
          )
        : h('p', { class: 'empty' }, 'Discovery found no HANA installation.'),
      h('h2', {}, 'Source configs (tenant databases)'),
      table(
        null,
        [
          ['Name', (s) => s.name],
          ['Repository', (s) => s.repositoryName],
          ['Tenant', (s) => String(s.object.tenant ?? '–')],
          ['Active', (s) => String(s.object.activeStatus ?? '–')],
          ['Present', (s) => (s.present ? 'yes' : 'no')],
          [
            '',
            (s) =>
              s.present
                ? link(
                    `#/dsources/new?env=${enc(e.name)}&repo=${enc(s.repositoryName)}&sc=${enc(s.name)}`,
                    `Link dSource from ${s.name}`,
                  )
                : '',
          ],
        ],
        d.sourceConfigs,
        'No tenant databases found.',
      ),
    ],
  };
}

const ENV_FIELDS = {
  fields: [
    {
      name: 'name',
      label: 'Name',
      help: 'How the engine names this host: 1-64 letters, digits, dots, dashes or underscores.',
      type: 'string',
      required: true,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    },
    {
      name: 'host',
      label: 'Host',
      help: 'DNS name or IP address of the HANA host.',
      type: 'string',
      required: true,
      pattern: '^[A-Za-z0-9.:-]+$',
    },
    {
      name: 'port',
      label: 'SSH port',
      help: "TCP port of the host's SSH server.",
      type: 'integer',
      required: true,
      minimum: 1,
      maximum: 65535,
      default: 22,
    },
    {
      name: 'user',
      label: 'OS user',
      help: 'The user the engine logs in as (usually <sid>adm).',
      type: 'string',
      required: true,
      pattern: '^[a-zA-Z_][a-zA-Z0-9_.-]*\\$?$',
    },
    {
      name: 'keyFile',
      label: 'Private key file',
      help: "Absolute path, on the engine host, of the user's SSH private key. Give this or a password variable.",
      type: 'string',
      required: false,
      pattern: '^/',
    },
    {
      name: 'passwordEnv',
      label: 'Password variable',
      help: 'NAME of an environment variable of the engine process that holds the password (never the password itself).',
      type: 'string',
      required: false,
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    },
    {
      name: 'hostKey',
      label: 'Host key fingerprint',
      help: "SHA256:… as printed by ssh-keygen -lf. Without it, the engine's known_hosts file is used.",
      type: 'string',
      required: false,
      pattern: '^SHA256:[A-Za-z0-9+/]{43}$',
    },
    {
      name: 'acceptNew',
      label: 'Accept a new host key on first use',
      help: "Record the host's key in the engine's known_hosts the first time (trust on first use).",
      type: 'boolean',
      required: false,
    },
    {
      name: 'scratchPath',
      label: 'Scratch path',
      help: "Optional absolute directory on the host for the engine's files (default ~/.hana-vdb-scratch).",
      type: 'string',
      required: false,
      pattern: '^/',
    },
  ],
};

export async function addEnvironmentPage() {
  const fields = schemaFields(ENV_FIELDS, { legend: 'SSH access', idPrefix: 'env' });
  const form = actionForm({
    id: 'add-environment',
    label: 'Add environment',
    parts: [fields.element],
    submitLabel: 'Add environment and discover',
    submit: async (summary) => {
      const { value, problems } = fields.read();
      if (problems.length) return showLocalProblems(summary, problems, [fields]);
      try {
        const r = await send('POST', '/api/environments', value);
        if (r.jobId) location.hash = `#/jobs/${r.jobId}`;
      } catch (err) {
        const rest = fields.showProblems(err.problems ?? []);
        summary.replaceChildren(errorBox(err));
        if (rest.length !== (err.problems ?? []).length) fields.focusFirstInvalid();
      }
    },
  });
  return {
    title: 'Add environment',
    node: [
      h('p', {}, 'The engine connects over SSH, checks the host key, and runs discovery. Nothing is recorded if any step fails.'),
      form,
    ],
  };
}
