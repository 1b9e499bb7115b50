/**
 * Entry of the simulator server process (spawned by startLandscape):
 *   node dist/tools/hana-sim/server-main.js <options JSON>
 * Prints one line `{"ready":true,"controlPort":…,"token":…}` on stdout when listening; stops on SIGTERM/SIGINT.
 */
import { SimServer, type ServerOptions } from './server.js';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  const server = new SimServer(opts);
  await server.start();
  process.stdout.write(
    JSON.stringify({ ready: true, pid: process.pid, controlPort: server.controlPort, token: server.token }) + '\n',
  );
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: Error) => {
  process.stderr.write(`hana-sim server: ${e.message}\n`);
  process.exit(1);
});
