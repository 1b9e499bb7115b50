/** Entry of exe/sudo (HANA_SIM_ROOT comes from the wrapper script). */
import { parseSudo, runSudo } from './sudo.js';

const req = parseSudo(process.argv.slice(2));
if (typeof req === 'string') {
  process.stderr.write(`${req}\n`);
  process.exitCode = 1;
} else {
  process.exitCode = runSudo(process.env.HANA_SIM_ROOT ?? '', req, (s) => process.stderr.write(s));
}
