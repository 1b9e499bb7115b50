/**
 * Where each emulated tool looks for a system's backups (README.md "Namespace"): a storage root (Commvault
 * client / S3 bucket+folder) and the user (`DB@SID`) inside it.
 */
import { join } from 'node:path';
import { COMMVAULT_CROSS_KEYS, readAwsParams, readCommvaultParams, type CommvaultRelease } from './vendor-params.js';

export type EmulatedTool = 'commvault' | 'aws';

export interface HostIdentity {
  /** SID of the system this hdbbackint belongs to. */
  sid: string;
  /** Commvault client name of the host (configured on the CommServe, not in the parameter file). */
  client: string;
  release: CommvaultRelease;
  /** Directory holding every emulated client's / bucket's objects. */
  store: string;
}

export interface Namespace {
  root: string;
  user: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SID = /^[A-Z][A-Z0-9]{2}$/;

function databaseOf(user: string): string | undefined {
  return user.includes('@') ? user.slice(0, user.indexOf('@')) : undefined;
}

export function resolveNamespace(tool: EmulatedTool, host: HostIdentity, fn: string, paramFile: string, user: string): Namespace {
  if (tool === 'aws') {
    const p = readAwsParams(paramFile);
    return { root: join(host.store, 'aws', p.bucket, p.folder === '' ? '_' : `_${p.folder}`), user };
  }
  const values = readCommvaultParams(paramFile).values;
  const [clientKey, sidKey] = COMMVAULT_CROSS_KEYS[host.release];
  // Backups always go to the host's own client; restores read the cross-client keys, else the own client and SID.
  const client = fn === 'backup' ? host.client : (values.get(clientKey) ?? host.client);
  const sid = fn === 'backup' ? host.sid : (values.get(sidKey) ?? host.sid);
  if (!NAME.test(client)) throw new Error(`${paramFile}: ${clientKey} ${client} is not a client name`);
  if (!SID.test(sid)) throw new Error(`${paramFile}: ${sidKey} ${sid} is not a SID`);
  const db = databaseOf(user);
  return { root: join(host.store, 'commvault', client), user: db ? `${db}@${sid}` : sid };
}
