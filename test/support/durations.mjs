// Writes test/support/durations.json (seconds per test file) from a full run's `jest --json --outputFile=FILE`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: node test/support/durations.mjs JEST_JSON_OUTPUT');
const root = path.resolve(new URL('../..', import.meta.url).pathname);
const results = JSON.parse(readFileSync(file, 'utf8')).testResults;
const durations = Object.fromEntries(
  results.map((r) => [path.relative(root, r.name), Math.round((r.endTime - r.startTime) / 100) / 10]).sort((a, b) => b[1] - a[1]),
);
writeFileSync(new URL('durations.json', import.meta.url), JSON.stringify(durations, null, 2) + '\n');
