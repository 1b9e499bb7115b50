import { targetStateAfter } from '../../src/engine/store/interrupted.js';
import type { JobStepRow } from '../../src/engine/store/types.js';

const steps = (...s: Array<[string, JobStepRow['outcome']]>): JobStepRow[] =>
  s.map(([name, outcome], i) => ({ id: i + 1, jobId: 1, name, outcome, startedAt: 't', endedAt: null }));

describe('the target state an interrupted job reports', () => {
  it('says exactly what the last recorded step allows', () => {
    expect(targetStateAfter([])).toBe('The target was not touched.');
    expect(targetStateAfter(steps(['virtual.mountSpecification', 'running']))).toBe('The target was not touched.');
    expect(targetStateAfter(steps(['virtual.mountSpecification', 'succeeded']))).toBe('The target was not touched.');
    expect(targetStateAfter(steps(['virtual.unconfigure', 'running']))).toMatch(/may be stopped/);
    expect(targetStateAfter(steps(['virtual.mountSpecification', 'succeeded'], ['virtual.configure', 'running']))).toMatch(
      /recovery may still be running on the host.*not usable until a recovery succeeds/,
    );
    expect(targetStateAfter(steps(['virtual.configure', 'succeeded']))).toBe(
      'The target was recovered; its snapshot was not recorded.',
    );
    expect(targetStateAfter(steps(['virtual.configure', 'succeeded'], ['virtual.preSnapshot', 'running']))).toBe(
      'The target was recovered; its snapshot was not recorded.',
    );
  });
});
