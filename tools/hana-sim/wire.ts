/** Newline-delimited JSON over TCP between hdbsql/the CLI and the simulator server. */
import net from 'node:net';

export function sendLine(sock: net.Socket, msg: unknown): void {
  sock.write(JSON.stringify(msg) + '\n');
}

/** Calls `onMessage` for each JSON line received. */
export function onLines(sock: net.Socket, onMessage: (msg: unknown) => void): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) onMessage(JSON.parse(line));
    }
  });
}

/** A client connection doing request/response in order. */
export class WireClient {
  private readonly pending: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private closedError: Error | undefined;
  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    onLines(sock, (msg) => this.pending.shift()?.resolve(msg));
    const fail = (err: Error) => {
      this.closedError ??= err;
      for (const p of this.pending.splice(0)) p.reject(err);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('Socket closed by peer')));
  }

  static connect(host: string, port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      sock.once('connect', () => {
        sock.off('error', reject);
        resolve(new WireClient(sock));
      });
      sock.once('error', reject);
    });
  }

  request<T>(msg: unknown): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: unknown) => void, reject });
      sendLine(this.sock, msg);
    });
  }

  close(): void {
    this.sock.end();
  }
}
