/**
 * The SSH connections of one job: one per host and user, opened on first use and reused by every
 * runBash of the job; a connection found dropped is replaced on the next use. closeAll() at job end.
 */
import { SshConnection, type ConnectOptions, type SshTarget } from './connection.js';

export class SshPool {
  private readonly connections = new Map<string, Promise<SshConnection>>();

  constructor(private readonly options: ConnectOptions = {}) {}

  async get(target: SshTarget): Promise<SshConnection> {
    const key = `${target.user}@${target.host}:${target.port}`;
    const existing = this.connections.get(key);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn && !conn.closed) return conn;
    }
    const opening = SshConnection.connect(target, this.options);
    this.connections.set(key, opening);
    opening.catch(() => this.connections.delete(key));
    return opening;
  }

  /** How many connections were opened and are still cached (tests: reuse). */
  get size(): number {
    return this.connections.size;
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (c) => c.close(),
          () => undefined,
        ),
      ),
    );
  }
}
