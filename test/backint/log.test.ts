import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileLogger } from '../../src/backint/log.js';
import { tempDir } from './helpers/agent.js';

describe('agent log', () => {
  test('rotates by size: LogFile.1 is the newest full file, at most LogFileKeep are kept', async () => {
    const { dir, remove } = await tempDir('backint-log-');
    try {
      const file = path.join(dir, 'agent.log');
      const log = fileLogger(file, 'info', 't', { maxBytes: 1000, keep: 2 });
      for (let i = 0; i < 60; i++) log.info(`line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`);
      expect(readdirSync(dir).sort()).toEqual(['agent.log', 'agent.log.1', 'agent.log.2']);
      for (const f of ['agent.log', 'agent.log.1', 'agent.log.2'])
        expect(readFileSync(path.join(dir, f)).length).toBeLessThanOrEqual(1000);
      const current = readFileSync(file, 'utf8');
      const previous = readFileSync(`${file}.1`, 'utf8');
      expect(current).toContain('line 059');
      // No line is lost between the current file and its predecessor.
      const last = Number(/line (\d+)/.exec(previous.trimEnd().split('\n').at(-1)!)![1]);
      const first = Number(/line (\d+)/.exec(current.split('\n')[0]!)![1]);
      expect(first).toBe(last + 1);
    } finally {
      await remove();
    }
  });

  test('without a size limit the file only grows', async () => {
    const { dir, remove } = await tempDir('backint-log-');
    try {
      const log = fileLogger(path.join(dir, 'a.log'), 'info', 't', { maxBytes: 0, keep: 2 });
      for (let i = 0; i < 50; i++) log.info('x'.repeat(100));
      expect(readdirSync(dir)).toEqual(['a.log']);
    } finally {
      await remove();
    }
  });
});
