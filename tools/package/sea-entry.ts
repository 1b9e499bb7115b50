/** Entry of the single executable dist/hdbbackint: the agent's CLI, exactly as bin/hana-backint.js runs it. */
import { main } from '../../src/backint/cli.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
