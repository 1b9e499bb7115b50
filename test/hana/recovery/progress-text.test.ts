/**
 * A recovery's progress in HANA's two phases, read from backup.log lines: the data restore in bytes (KBA 3707817's
 * `volume: 3, 96% 1917702897664/1985029865472`), then the log replay in segments (rstat README's `93% 126/135`).
 */
import { BackupLogAssembler } from '../../../src/hana/backup-log/operations.js';
import { dataRestored, formatBytes, isDataRestore, recoveryProgress } from '../../../src/hana/recovery/progress-text.js';

const line = (service: string, port: number, volume: number, text: string) =>
  `2026-01-17T00:45:11-03:00 ............ 19bca0e919c INFO RECOVERY progress of service: ${service}, Hostname:${port}, ` +
  `volume: ${volume}, ${text}`;
const progressAfter = (lines: string[]) => {
  const a = new BackupLogAssembler();
  a.pushText(
    ['2026-01-17T00:45:11-03:00 ............ 19bca0e919c INFO RECOVERY RECOVER DATA started [1768621511068]', ...lines, ''].join(
      '\n',
    ),
  );
  return recoveryProgress(a.progress('19bca0e919c'));
};

test('bytes print in binary units', () => {
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(1288490189)).toBe('1.2 GiB');
  expect(formatBytes(1985029865472)).toBe('1.8 TiB');
});

test('data restore: the bytes of all volumes; then the log replay per volume in segments; the percent only grows', () => {
  const data = [
    line('xsengine', 30043, 2, '100% 104857600/104857600'),
    line('indexserver', 30040, 3, '96% 1917702897664/1985029865472'),
  ];
  const restoring = progressAfter(data)!;
  expect(restoring.message).toBe(
    'recovering: restoring data: 1.7 TiB of 1.8 TiB (xsengine volume 2 100%, indexserver volume 3 96%)',
  );
  const restored = progressAfter([...data, line('indexserver', 30040, 3, '100% 1985029865472/1985029865472')])!;
  expect(restored.message).toMatch(/^recovering: restoring data: 1\.8 TiB of 1\.8 TiB/);
  // The replay's counters start again, out of another total: segments, not bytes.
  const replaying = progressAfter([
    ...data,
    line('indexserver', 30040, 3, '100% 1985029865472/1985029865472'),
    line('xsengine', 30043, 2, '50% 5/10'),
    line('indexserver', 30040, 3, '30% 12/40'),
  ])!;
  expect(replaying.message).toBe(
    'recovering: replaying logs: xsengine volume 2 50% (segment 5 of 10), indexserver volume 3 30% (segment 12 of 40)',
  );
  const later = progressAfter([
    ...data,
    line('indexserver', 30040, 3, '100% 1985029865472/1985029865472'),
    line('xsengine', 30043, 2, '100% 10/10'),
    line('indexserver', 30040, 3, '93% 126/135'),
  ])!;
  expect([restoring.percent, restored.percent, replaying.percent, later.percent]).toEqual([48, 50, 70, 98]);
});

test('no progress line yet: nothing to report', () => {
  expect(progressAfter([])).toBeNull();
});

test('a first look that finds the replay running still shows the data restore, as it ended', () => {
  const a = new BackupLogAssembler();
  a.pushText(
    [
      '2026-01-17T00:45:11-03:00 ............ 19bca0e919c INFO RECOVERY RECOVER DATA started [1768621511068]',
      line('indexserver', 30040, 3, '100% 1985029865472/1985029865472'),
      line('indexserver', 30040, 3, '10% 13/135'),
      '',
    ].join('\n'),
  );
  const progress = a.progress('19bca0e919c');
  expect(isDataRestore(recoveryProgress(progress)!.message)).toBe(false);
  expect(dataRestored(progress)!.message).toBe('recovering: restoring data: 1.8 TiB of 1.8 TiB (indexserver volume 3 100%)');
});
