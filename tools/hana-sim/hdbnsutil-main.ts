/** Entry of exe/hdbnsutil (HANA_SIM_ROOT and HANA_SIM_SID come from the wrapper script). */
import { runHdbnsutil } from './hdbnsutil.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runHdbnsutil(process.argv.slice(2), {
  root: process.env.HANA_SIM_ROOT ?? '',
  sid: process.env.HANA_SIM_SID ?? '',
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
}).then((code) => {
  process.exitCode = code;
});
