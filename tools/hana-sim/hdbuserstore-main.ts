/** Entry of exe/hdbuserstore (HANA_SIM_ROOT comes from the wrapper script). */
import { runHdbuserstore } from './hdbuserstore.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runHdbuserstore(process.argv.slice(2), {
  root: process.env.HANA_SIM_ROOT ?? '',
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
}).then((code) => {
  process.exitCode = code;
});
