/**
 * What a job whose process died left behind, from the last step it recorded: the text stored as the
 * interrupted job's error. Only what the engine knows is said; the next run of the same command finds out
 * the rest from the host.
 */
import type { JobRow, JobStepRow } from './types.js';

const TARGET_STATE: Record<string, string> = {
  'virtual.unconfigure': 'The target was being taken apart: it may be stopped.',
  'virtual.configure':
    'The target was being recovered: the recovery may still be running on the host, or the target is stopped; ' +
    'it is not usable until a recovery succeeds.',
  'virtual.reconfigure':
    'The target was being recovered: the recovery may still be running on the host, or the target is stopped; ' +
    'it is not usable until a recovery succeeds.',
  'virtual.preSnapshot': 'The target was recovered; its snapshot was not recorded.',
  'virtual.postSnapshot': 'The target was recovered; its snapshot was not recorded.',
  'virtual.start': 'The target was being started: it may be running or stopped.',
  'virtual.stop': 'The target was being stopped: it may be running or stopped.',
  'virtual.cleanup': 'The target was being cleaned up: some of its files may remain.',
  'linked.preSnapshot': 'The source was being read for a snapshot; the source itself is unchanged.',
  'linked.postSnapshot': 'The source was being read for a snapshot; the source itself is unchanged.',
};

const UNTOUCHED = new Set(['virtual.mountSpecification', 'linked.mountSpecification', 'virtual.status', 'linked.status']);

/** The target's state after the job's process died during (or after) its last recorded step. */
export function targetStateAfter(steps: JobStepRow[]): string {
  const last = steps.at(-1);
  if (!last || (UNTOUCHED.has(last.name) && !steps.some((s) => TARGET_STATE[s.name]))) return 'The target was not touched.';
  if (last.outcome === 'running') return TARGET_STATE[last.name] ?? `It ended during ${last.name}.`;
  const changing = [...steps].reverse().find((s) => TARGET_STATE[s.name]);
  if (changing?.name === 'virtual.configure' || changing?.name === 'virtual.reconfigure')
    return 'The target was recovered; its snapshot was not recorded.';
  return `It ended after ${last.name}.`;
}

export function interruptedText(job: JobRow, steps: JobStepRow[]): string {
  const during = steps.at(-1)?.outcome === 'running' ? ` during ${steps.at(-1)!.name}` : '';
  return (
    `The hana-vdb process (pid ${job.pid}) ended${during} while this job was running. ${targetStateAfter(steps)} ` +
    `Run the same command again to finish the ${job.objectType}.`
  );
}
