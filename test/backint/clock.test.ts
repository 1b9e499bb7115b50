import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileClock } from '../../src/backint/clock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backint-clock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ClockFile', () => {
  test('real time plus the offset', () => {
    const f = join(dir, 'clock.json');
    writeFileSync(f, JSON.stringify({ offsetMs: -86_400_000 }));
    const now = fileClock(f)();
    expect(Math.abs(now - (Date.now() - 86_400_000))).toBeLessThan(60_000);
  });

  test('a driven clock that stands still is exactly its frozen instant, however often it is read', () => {
    const f = join(dir, 'clock.json');
    writeFileSync(f, JSON.stringify({ offsetMs: 123, driven: true, frozenMs: 1_772_449_800_000 }));
    const clock = fileClock(f);
    expect([clock(), clock()]).toEqual([1_772_449_800_000, 1_772_449_800_000]);
  });

  test('an unreadable or malformed file is an error naming it', () => {
    const f = join(dir, 'clock.json');
    expect(() => fileClock(f)()).toThrow(/ClockFile .*clock\.json is unreadable/);
    writeFileSync(f, '{"offsetMs": "soon"}');
    expect(() => fileClock(f)()).toThrow(/has no numeric offsetMs/);
  });
});
