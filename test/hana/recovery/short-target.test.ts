import { shortRecoveryTarget } from '../../../src/hana/recovery/short-target.js';
import type { UtcIso } from '../../../src/hana/time.js';

const at = (volume: number | null, logPosition: string | null) => ({
  reachable: { timestamp: '2024-03-01T10:09:00Z' as UtcIso, logPosition, volume },
  masterVolume: 3,
});

test('a reachable end on the master volume is recovered to exactly, by its log position on that volume', () => {
  expect(shortRecoveryTarget(at(3, '1100'))).toEqual({ kind: 'logPosition', logPosition: '1100', volume: 3 });
});

test('a reachable end on another volume never names that volume: the recovery stops at its last commit', () => {
  const T = '2024-03-01T10:09:00Z';
  expect(shortRecoveryTarget(at(2, '520'))).toEqual({ kind: 'timestamp', timestamp: T, endsOnVolume: 2 });
  expect(shortRecoveryTarget(at(4, '9400'))).toEqual({ kind: 'timestamp', timestamp: T, endsOnVolume: 4 });
});

test('no position known on the master: by time', () => {
  expect(shortRecoveryTarget(at(3, null))).toEqual({ kind: 'timestamp', timestamp: '2024-03-01T10:09:00Z', endsOnVolume: 3 });
});
