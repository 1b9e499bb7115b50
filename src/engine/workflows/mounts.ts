/**
 * Mounts: this engine has no storage to virtualize, so "mounting" is creating each mount directory on its
 * host over SSH (mkdir -p, plus chown when an ownership specification asks for it). The path travels as
 * a variable, and is checked first to be a plain absolute path.
 */
import { UserError } from '../../sdk/errors.js';
import type { Mount, MountSpecification } from '../../sdk/platform.js';
import { primaryUser, remoteEnvironment, sshTarget } from './connections.js';
import type { JobContext } from './job.js';

const SAFE_PATH = /^(\/[A-Za-z0-9._@+=,:~-]+)+\/?$/;

export function checkMountPath(path: string, op: string): void {
  if (!SAFE_PATH.test(path) || path.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new UserError(
      `${op} returned the mount path '${path}', which is not a plain absolute path.`,
      'Mount paths must be absolute, without . or .. segments, and made of letters, digits and ._@+=,:~- only; ' +
        'correct the plugin parameters (e.g. mountBase).',
    );
  }
}

/** Create the directories and return the mounts as the plugin sees them (RemoteEnvironment filled in). */
export async function prepareMounts(ctx: JobContext, spec: MountSpecification, op: string): Promise<Mount[]> {
  const out: Mount[] = [];
  for (const m of spec.mounts) {
    checkMountPath(m.mountPath, op);
    const ref = typeof m.remoteEnvironment === 'string' ? m.remoteEnvironment : m.remoteEnvironment.reference;
    const id = Number(/(\d+)$/.exec(ref)?.[1]);
    const env = ctx.engine.store.environmentById(id);
    if (!env)
      throw new UserError(
        `${op} returned a mount on ${ref}, which is not a known environment.`,
        'The plugin must mount on an environment the engine passed to it.',
      );
    const user = primaryUser(ctx.engine.store, env);
    const conn = await ctx.pool.get(sshTarget(env, user));
    const owner = spec.ownershipSpecification ? `${spec.ownershipSpecification.uid}:${spec.ownershipSpecification.gid}` : '';
    const res = await conn.runBash(
      [
        'mkdir -p -- "$HANA_VDB_MOUNT_PATH"',
        'if [ -n "$HANA_VDB_MOUNT_OWNER" ] && [ "$(stat -c %u:%g -- "$HANA_VDB_MOUNT_PATH")" != "$HANA_VDB_MOUNT_OWNER" ]; then',
        '  chown -- "$HANA_VDB_MOUNT_OWNER" "$HANA_VDB_MOUNT_PATH"',
        'fi',
      ].join('\n'),
      { variables: { HANA_VDB_MOUNT_PATH: m.mountPath, HANA_VDB_MOUNT_OWNER: owner } },
    );
    if (res.exitCode !== 0) {
      throw new UserError(
        `Creating the mount directory ${m.mountPath} on ${env.name} failed: ${res.stderr.trim() || `exit code ${res.exitCode}`}.`,
        `Check that ${user.name} may create ${m.mountPath} on ${env.address}.`,
      );
    }
    ctx.log.info(`Mount directory ${m.mountPath} ready on ${env.name}.`);
    out.push({
      remoteEnvironment: remoteEnvironment(env),
      mountPath: m.mountPath,
      ...(m.sharedPath ? { sharedPath: m.sharedPath } : {}),
    });
  }
  return out;
}
