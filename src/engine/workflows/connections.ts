/** From stored environments to what plugins see (RemoteConnection) and what SSH needs (SshTarget). */
import { IncorrectArgumentTypeError, UserError } from '../../sdk/errors.js';
import type { RemoteConnection, RemoteEnvironment } from '../../sdk/platform.js';
import type { SshTarget } from '../ssh/connection.js';
import type { StoreReader } from '../store/queries.js';
import type { EnvironmentRow, EnvironmentUserRow } from '../store/types.js';

export function remoteEnvironment(env: EnvironmentRow): RemoteEnvironment {
  return {
    name: env.name,
    reference: env.reference,
    host: {
      name: env.address,
      reference: `UNIX_HOST-${env.id}`,
      binaryPath: `${env.scratchPath}/toolkit`,
      scratchPath: env.scratchPath,
    },
  };
}

export function primaryUser(store: StoreReader, env: EnvironmentRow): EnvironmentUserRow {
  const user = store.environmentUsers(env.id)[0];
  if (!user) throw new UserError(`The environment '${env.name}' has no user.`, 'Re-add the environment with --user.');
  return user;
}

export function remoteConnection(env: EnvironmentRow, user: EnvironmentUserRow): RemoteConnection {
  return { environment: remoteEnvironment(env), user: { name: user.name, reference: user.reference } };
}

export function sshTarget(env: EnvironmentRow, user: EnvironmentUserRow): SshTarget {
  return {
    host: env.address,
    port: env.port,
    user: user.name,
    auth:
      user.authKind === 'key'
        ? { kind: 'key', privateKeyFile: user.keyFile! }
        : { kind: 'password', passwordEnv: user.passwordEnv! },
    hostKey: env.hostKeyFingerprint
      ? { kind: 'fingerprint', fingerprint: env.hostKeyFingerprint }
      : { kind: 'known-hosts', file: env.knownHostsFile!, acceptNew: env.acceptNew },
  };
}

const ENV_REF = /^UNIX_HOST_ENVIRONMENT-(\d+)$/;
const USER_REF = /^HOST_USER-(\d+)$/;

/** Resolve a RemoteConnection handed back by plugin code; it must name a known environment and its user. */
export function resolveConnection(store: StoreReader, connection: unknown): { env: EnvironmentRow; user: EnvironmentUserRow } {
  const c = connection as RemoteConnection | undefined;
  const envRef = c?.environment?.reference;
  const userRef = c?.user?.reference;
  const envId = typeof envRef === 'string' ? ENV_REF.exec(envRef)?.[1] : undefined;
  const userId = typeof userRef === 'string' ? USER_REF.exec(userRef)?.[1] : undefined;
  if (!envId || !userId)
    throw new IncorrectArgumentTypeError(
      'The connection passed to libs must be a RemoteConnection given by the engine (environment and user references).',
    );
  const env = store.environmentById(Number(envId));
  const user = store.environmentUser(Number(userId));
  if (!env || !user || user.environmentId !== env.id)
    throw new IncorrectArgumentTypeError(`The connection ${envRef}/${userRef} does not name a known environment user.`);
  return { env, user };
}
