/** Entry of exe/hdbsql (HANA_SIM_ROOT and HANA_SIM_CLIENT_VERSION come from the wrapper script). */
import { DEFAULT_CLIENT_VERSION } from './spec.js';
import { runHdbsql } from './hdbsql.js';
import { HanaCode } from '../../src/hana/error-codes.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runHdbsql(process.argv.slice(2), {
  root: process.env.HANA_SIM_ROOT ?? '',
  version: process.env.HANA_SIM_CLIENT_VERSION ?? DEFAULT_CLIENT_VERSION,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`* ${HanaCode.connectionFailed}: ${e.message} SQLSTATE: HY000\n`);
    process.exitCode = 1;
  },
);
