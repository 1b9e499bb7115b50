/**
 * End-to-end runs go through the compiled program (dist/): the engine loads the plugin from dist, so the test
 * imports the same copies (engine, demo wiring, parsers) instead of jest's TypeScript ones.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type * as DemoEnvModule from '../../tools/demo/env.js';
import type * as HanaModule from '../../src/hana/index.js';
import type * as SpecModule from '../../tools/hana-sim/spec.js';

const root = new URL('../../', import.meta.url);

export function requireBuild(): void {
  if (!existsSync(new URL('dist/tools/demo/env.js', root)))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
}

export const packageRoot = root.pathname.replace(/\/$/, '');

export async function loadDist(): Promise<{ demo: typeof DemoEnvModule; hana: typeof HanaModule; spec: typeof SpecModule }> {
  requireBuild();
  const load = (p: string) => import(new URL(`dist/${p}`, root).href);
  return {
    demo: await load('tools/demo/env.js'),
    hana: await load('src/hana/index.js'),
    spec: await load('tools/hana-sim/spec.js'),
  };
}

/** A TCP relay on 127.0.0.1 whose connections can be cut, like a network dropping every session. */
export class TcpRelay {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpRelay> {
    const { connect } = await import('node:net');
    let relay: TcpRelay;
    const server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        relay.sockets.add(s);
        s.on('close', () => relay.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    relay = new TcpRelay(server, (server.address() as { port: number }).port);
    return relay;
  }

  /** Cuts every open connection; new ones are still accepted. Returns how many were cut. */
  cut(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    return n;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

/** Polls `probe` every 100 ms until it returns true (or fails after `ms`). */
export async function until(probe: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
