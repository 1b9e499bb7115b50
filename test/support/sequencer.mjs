// Runs the slowest test files first, so that on CI's two workers no long file starts last and runs alone. Jest does
// this from its own cache of past runs; a fresh CI machine has none, so the durations measured in a full run are kept
// in durations.json (refresh: test/README.md). A file missing there runs first: new files are never left for last.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Sequencer from '@jest/test-sequencer';

const measured = JSON.parse(readFileSync(new URL('durations.json', import.meta.url), 'utf8'));

export default class MeasuredFirst extends Sequencer {
  time(test) {
    return super.time(test) ?? measured[path.relative(test.context.config.rootDir, test.path)];
  }
}
