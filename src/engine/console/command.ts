/**
 * `hana-vdb console [--port N] [--host ADDR]`: the web console in the foreground until SIGINT/SIGTERM.
 * Prints the URL with its one-time access token (with --json: {"url","port"}). On the first signal it stops
 * serving and lets running jobs finish; a second signal leaves them to be marked interrupted (exit 130).
 */
import { resolve } from 'node:path';
import { UserError } from '../../sdk/errors.js';
import type { CliContext } from '../cli/command.js';
import type { CommandSpec, Values } from '../cli/program.js';
import { startConsole } from './server.js';

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new UserError(`--port '${text}' is not a TCP port.`, 'Use a number from 1 to 65535, or 0 for any free port.');
  if (n === 22) throw new UserError('--port 22 is reserved for SSH.', 'Choose another port.');
  return n;
}

/** `pluginDir`: the plugin root main resolved (--plugin-dir, $HANA_VDB_PLUGIN_DIR, else the package). */
export async function run(o: Values, ctx: CliContext, options: { pluginDir?: string } = {}): Promise<number> {
  const port = portOf(typeof o.port === 'string' ? o.port : undefined);
  const host = typeof o.host === 'string' ? o.host : '127.0.0.1';
  const pluginDir = resolve(options.pluginDir ?? process.env.HANA_VDB_PLUGIN_DIR ?? ctx.packageRoot);
  const server = await startConsole({
    dataDir: ctx.dataDir,
    pluginDir,
    packageRoot: ctx.packageRoot,
    host,
    port,
    debug: ctx.debug,
    logToConsole: !ctx.json,
  });
  if (ctx.json) ctx.stdout(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
  else
    ctx.stdout(
      `hana-vdb console on ${server.origin} (data directory ${ctx.dataDir}).\nOpen this link ` +
        `once (it holds a one-time access token):\n  ${server.url}\nStop with Ctrl-C.\n`,
    );
  let signals = 0;
  let onSignal: () => void = () => undefined;
  await new Promise<void>((done) => {
    onSignal = () => {
      signals++;
      if (signals === 1) {
        const n = server.runningJobs();
        if (n > 0)
          ctx.stderr(
            `Stopping: waiting for ${n} running job(s); press Ctrl-C again to stop now (they will be marked interrupted).\n`,
          );
        server.close({ waitForJobs: true }).then(done, done);
      } else {
        server.close({ waitForJobs: false }).then(done, done);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return signals > 1 ? 130 : 0;
}

export function consoleSpec(ctx: CliContext, pluginDir: string): CommandSpec {
  return {
    name: 'console',
    summary: 'the web console in the foreground (prints a one-time link)',
    options: [
      { flags: '--port <N>', description: 'TCP port (default: any free port)' },
      { flags: '--host <ADDR>', description: 'listen address (default 127.0.0.1)' },
    ],
    examples: ['hana-vdb console', 'hana-vdb console --port 8443 --json'],
    action: (_args, o) => run(o, ctx, { pluginDir }),
  };
}
