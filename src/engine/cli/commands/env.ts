/** `hana-vdb env add|discover|delete`. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../../sdk/errors.js';
import { FINGERPRINT } from '../../ssh/host-key.js';
import { addEnvironment, deleteEnvironment, discoverEnvironment } from '../../workflows/environment.js';
import type { App } from '../app.js';
import { optionalString, parse, requireOption } from '../args.js';
import { block } from '../output.js';

export const ENV_USAGE = [
  'hana-vdb env add NAME --host H --port P --user U (--key FILE | --password-env VAR) ' +
    '[--host-key SHA256:... | --known-hosts FILE | --accept-new] [--scratch-path DIR]',
  'hana-vdb env discover NAME',
  'hana-vdb env delete NAME',
];

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

async function add(app: App, argv: string[]): Promise<number> {
  const usage = ENV_USAGE[0]!;
  const p = parse(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      key: { type: 'string' },
      'password-env': { type: 'string' },
      'host-key': { type: 'string' },
      'known-hosts': { type: 'string' },
      'accept-new': { type: 'boolean' },
      'scratch-path': { type: 'string' },
    },
    usage,
    { min: 1, max: 1, names: 'the environment NAME' },
  );
  const name = checkName('environment', p.positionals[0]!);
  const host = requireOption(p, 'host', usage);
  if (!HOST.test(host)) throw new UserError(`--host '${host}' is not a host name or address.`, 'Use a DNS name or an IP address.');
  const portText = requireOption(p, 'port', usage);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new UserError(`--port '${portText}' is not a TCP port.`, 'Use a number from 1 to 65535.');
  const user = requireOption(p, 'user', usage);
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(user))
    throw new UserError(`--user '${user}' is not a valid user name.`, 'Use the OS user name on the host.');
  const key = optionalString(p, 'key');
  const passwordEnv = optionalString(p, 'password-env');
  if ((key === undefined) === (passwordEnv === undefined))
    throw new UserError('Give exactly one of --key FILE or --password-env VAR.', `Usage: ${usage}`);
  if (key !== undefined && !existsSync(key))
    throw new UserError(`The key file ${key} does not exist.`, 'Pass the private key file of the user with --key.');
  if (passwordEnv !== undefined && !ENV_VAR.test(passwordEnv)) {
    throw new UserError(
      `--password-env takes the NAME of an environment variable, and '${passwordEnv}' is not one.`,
      'Export the password in a variable (export HANA_PW=...) and pass --password-env HANA_PW; never the password itself.',
    );
  }
  const hostKey = optionalString(p, 'host-key');
  const knownHosts = optionalString(p, 'known-hosts');
  const acceptNew = p.values['accept-new'] === true;
  if (hostKey !== undefined && (knownHosts !== undefined || acceptNew))
    throw new UserError(
      '--host-key pins one fingerprint; it cannot be combined with --known-hosts or --accept-new.',
      `Usage: ${usage}`,
    );
  if (hostKey !== undefined && !FINGERPRINT.test(hostKey))
    throw new UserError(
      `--host-key '${hostKey}' is not a SHA256 fingerprint.`,
      'Use the form printed by ssh-keygen -lf KEY.pub, e.g. SHA256:AbC... (43 characters after the colon).',
    );
  const scratchPath = optionalString(p, 'scratch-path');
  if (scratchPath !== undefined && !scratchPath.startsWith('/'))
    throw new UserError(`--scratch-path '${scratchPath}' is not absolute.`, 'Use an absolute path on the host.');
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

async function discover(app: App, argv: string[]): Promise<number> {
  const p = parse(argv, {}, ENV_USAGE[1]!, { min: 1, max: 1, names: 'the environment NAME' });
  const env = await discoverEnvironment(app.engine(), p.positionals[0]!);
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

async function remove(app: App, argv: string[]): Promise<number> {
  const p = parse(argv, {}, ENV_USAGE[2]!, { min: 1, max: 1, names: 'the environment NAME' });
  await deleteEnvironment(app.engine(), p.positionals[0]!);
  app.print({ deleted: p.positionals[0] }, `Environment ${p.positionals[0]} deleted.\n`);
  return 0;
}

export async function envCommand(app: App, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') return add(app, rest);
  if (sub === 'discover' || sub === 'refresh') return discover(app, rest);
  if (sub === 'delete') return remove(app, rest);
  throw new UserError(sub ? `Unknown env command '${sub}'.` : 'Missing env command.', `Usage:\n  ${ENV_USAGE.join('\n  ')}`);
}
