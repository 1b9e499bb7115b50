/** `hana-vdb env add|discover|delete`. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../../sdk/errors.js';
import { FINGERPRINT } from '../../ssh/host-key.js';
import { addEnvironment, deleteEnvironment, discoverEnvironment } from '../../workflows/environment.js';
import type { App } from '../app.js';
import { block } from '../output.js';
import type { CommandSpec, Values } from '../program.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^[A-Za-z0-9.:-]+$/;

export function checkName(kind: string, name: string): string {
  if (!NAME.test(name))
    throw new UserError(
      `The ${kind} name '${name}' is not valid.`,
      'Use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
    );
  return name;
}

const str = (v: Values, key: string): string | undefined => (typeof v[key] === 'string' ? (v[key] as string) : undefined);

/** The flags given, checked one by one: each problem names the flag and the fix. */
function hostOptions(o: Values) {
  const host = str(o, 'host')!;
  if (!HOST.test(host)) throw new UserError(`--host '${host}' is not a host name or address.`, 'Use a DNS name or an IP address.');
  const portText = str(o, 'port')!;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new UserError(`--port '${portText}' is not a TCP port.`, 'Use a number from 1 to 65535.');
  const user = str(o, 'user')!;
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(user))
    throw new UserError(`--user '${user}' is not a valid user name.`, 'Use the OS user name on the host.');
  const key = str(o, 'key');
  const passwordEnv = str(o, 'passwordEnv');
  if ((key === undefined) === (passwordEnv === undefined))
    throw new UserError('Give exactly one of --key FILE or --password-env VAR.', 'See hana-vdb env add --help.');
  if (key !== undefined && !existsSync(key))
    throw new UserError(`The key file ${key} does not exist.`, 'Pass the private key file of the user with --key.');
  if (passwordEnv !== undefined && !ENV_VAR.test(passwordEnv)) {
    throw new UserError(
      `--password-env takes the NAME of an environment variable, and '${passwordEnv}' is not one.`,
      'Export the password in a variable (export HANA_PW=...) and pass --password-env HANA_PW; never the password itself.',
    );
  }
  return { host, port, user, key, passwordEnv };
}

function hostKeyOptions(o: Values) {
  const hostKey = str(o, 'hostKey');
  const knownHosts = str(o, 'knownHosts');
  const acceptNew = o.acceptNew === true;
  if (hostKey !== undefined && (knownHosts !== undefined || acceptNew))
    throw new UserError(
      '--host-key pins one fingerprint; it cannot be combined with --known-hosts or --accept-new.',
      'Give only one of --host-key, --known-hosts or --accept-new.',
    );
  if (hostKey !== undefined && !FINGERPRINT.test(hostKey))
    throw new UserError(
      `--host-key '${hostKey}' is not a SHA256 fingerprint.`,
      'Use the form printed by ssh-keygen -lf KEY.pub, e.g. SHA256:AbC... (43 characters after the colon).',
    );
  const scratchPath = str(o, 'scratchPath');
  if (scratchPath !== undefined && !scratchPath.startsWith('/'))
    throw new UserError(`--scratch-path '${scratchPath}' is not absolute.`, 'Use an absolute path on the host.');
  return { hostKey, knownHosts, acceptNew, scratchPath };
}

async function add(app: App, nameText: string, o: Values): Promise<number> {
  const name = checkName('environment', nameText);
  const { host, port, user, key, passwordEnv } = hostOptions(o);
  const { hostKey, knownHosts, acceptNew, scratchPath } = hostKeyOptions(o);
  const env = await addEnvironment(app.engine(), {
    name,
    address: host,
    port,
    hostKeyFingerprint: hostKey ?? null,
    knownHostsFile: hostKey ? null : resolve(knownHosts ?? join(app.cli.dataDir, 'known_hosts')),
    acceptNew,
    ...(scratchPath ? { scratchPath } : {}),
    user: { name: user, authKind: key ? 'key' : 'password', keyFile: key ? resolve(key) : null, passwordEnv: passwordEnv ?? null },
  });
  const repos = app.engine().store.repositories(env.name);
  app.print(
    { environment: env, repositories: repos, sourceConfigs: app.engine().store.sourceConfigs({ environmentName: env.name }) },
    `Environment ${env.name} added (${env.reference}); ${repos.length} repositories discovered.\n` +
      block({
        address: `${env.address}:${env.port}`,
        hostKey: env.hostKeyFingerprint ?? env.knownHostsFile,
        scratchPath: env.scratchPath,
      }),
  );
  return 0;
}

async function discover(app: App, name: string): Promise<number> {
  const env = await discoverEnvironment(app.engine(), name);
  const repos = app.engine().store.repositories(env.name);
  const configs = app.engine().store.sourceConfigs({ environmentName: env.name });
  app.print(
    { environment: env, repositories: repos, sourceConfigs: configs },
    `Environment ${env.name}: ${repos.length} repositories, ${configs.length} source configs.\n${repos
      .map(
        (r) =>
          `  ${r.name}${r.present ? '' : ' (missing)'}: ${
            configs
              .filter((c) => c.repositoryId === r.id)
              .map((c) => c.name)
              .join(', ') || '-'
          }`,
      )
      .join('\n')}\n`,
  );
  return 0;
}

async function remove(app: App, name: string): Promise<number> {
  await deleteEnvironment(app.engine(), name);
  app.print({ deleted: name }, `Environment ${name} deleted.\n`);
  return 0;
}

export function envSpec(app: App): CommandSpec {
  return {
    name: 'env',
    summary: 'hosts reached over SSH: add, discover, delete',
    examples: ['hana-vdb env add qas --host hanaqas --port 22 --user qasadm \\\n      --key ~/.ssh/id_ed25519 --accept-new'],
    subcommands: [
      {
        name: 'add',
        summary: 'add a host, verify its SSH host key and discover its HANA systems',
        args: ['<NAME>'],
        options: [
          { flags: '--host <H>', description: 'DNS name or IP address', required: true },
          { flags: '--port <P>', description: 'SSH port', required: true },
          { flags: '--user <U>', description: 'OS user (e.g. <sid>adm)', required: true },
          { flags: '--key <FILE>', description: 'private key file of the user' },
          { flags: '--password-env <VAR>', description: 'name of the environment variable holding the password' },
          { flags: '--host-key <SHA256:...>', description: 'pin the host key fingerprint' },
          { flags: '--known-hosts <FILE>', description: 'verify against this known_hosts file' },
          { flags: '--accept-new', description: 'record the host key on first use, verify it afterwards' },
          { flags: '--scratch-path <DIR>', description: 'absolute directory on the host for scripts' },
        ],
        examples: [
          'hana-vdb env add qas --host hanaqas --port 22 --user qasadm \\\n      --key ~/.ssh/id_ed25519 --accept-new',
          'hana-vdb env add prd --host hanaprd --port 22 --user prdadm \\\n      --password-env HANA_PW --host-key SHA256:AbC...',
        ],
        notes: 'One of --key or --password-env; never the password itself on the command line.',
        action: ([name], o) => add(app, name!, o),
      },
      {
        name: 'discover',
        aliases: ['refresh'],
        summary: 'discover the HANA systems and tenants on a host again',
        args: ['<NAME>'],
        examples: ['hana-vdb env discover qas'],
        action: ([name]) => discover(app, name!),
      },
      {
        name: 'delete',
        summary: 'forget a host (refused while dSources or VDBs use it)',
        args: ['<NAME>'],
        examples: ['hana-vdb env delete qas'],
        action: ([name]) => remove(app, name!),
      },
    ],
  };
}
