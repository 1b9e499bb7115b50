/**
 * The `hana-vdb sim fault` words for real-landscape behaviours (cli.ts dispatches the others):
 *   backup-encryption SID [--clear]    SID's backups are encrypted with root keys the other systems lack
 *   sr-secondary-down SID [--clear]    SID is a system replication primary whose secondary is down
 *   tenant-transitions MS [STOP_MS]    tenants stay STARTING for MS and STOPPING for STOP_MS (default MS) real ms
 */
import { UserError } from '../../src/sdk/errors.js';
import { control, type ServerInfo } from './control-client.js';
import type { ControlRequest, StatusReply } from './server.js';
import { SYSTEM_FAULTS, type SystemFault } from './system-faults.js';

export const FAULT_WORDS = [...SYSTEM_FAULTS, 'tenant-transitions'] as const;

function milliseconds(name: string, text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text))
    throw new UserError(
      `tenant-transitions: ${name} "${text ?? ''}" is not a whole number of milliseconds`,
      'e.g. tenant-transitions 2000',
    );
  return Number(text);
}

/** The control request for one of these faults, or undefined when `kind` is another fault. */
export async function faultCommandRequest(
  info: ServerInfo,
  kind: string | undefined,
  args: string[],
  clear: boolean,
): Promise<ControlRequest | undefined> {
  if (kind === 'tenant-transitions') {
    const startMs = milliseconds('MS', args[0]);
    return {
      op: 'faults',
      settings: { tenantStartMs: startMs, tenantStopMs: args[1] === undefined ? startMs : milliseconds('STOP_MS', args[1]) },
    };
  }
  if (!SYSTEM_FAULTS.includes(kind as SystemFault)) return undefined;
  const [sid, extra] = args;
  if (!sid || extra !== undefined) throw new UserError(`${kind} needs one SID`, `e.g. hana-vdb sim fault ${kind} PRD [--clear]`);
  const status = await control<StatusReply>(info, { op: 'status' });
  const sids = status.systems.map((s) => s.sid);
  if (!sids.includes(sid)) throw new UserError(`no system ${sid} in the simulated landscape`, `use one of: ${sids.join(', ')}`);
  return { op: 'system-fault', sid, fault: kind as SystemFault, on: !clear };
}
