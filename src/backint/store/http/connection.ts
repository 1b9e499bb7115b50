/**
 * One HTTP/1.1 exchange on its own connection (`Connection: close`), the socket reading into memory we choose
 * (net/tls `onread`): a scratch buffer for the head and for bodies read as streams, the consumer's memory for
 * a body read with `readInto` (body.ts). Which memory, and what happens to each read, is up to the current
 * `reader`, swapped as the exchange moves on.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface Reader {
  /** Memory for the next read: the connection's `scratch` or the reader's own. */
  buffer(scratch: Buffer): Uint8Array;
  /** `n` bytes were read into `buf` (the last buffer() given); false stops reading until resume(). */
  got(n: number, buf: Uint8Array): boolean;
  /** The connection ended (normally or not); `error` when it broke. */
  closed(error: Error | undefined): void;
}

export interface Endpoint {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
}

/** Reads of up to this size; a socket read rarely brings more. */
export const SCRATCH_BYTES = 64 * 1024;

export class Connection {
  readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  private readonly socket: net.Socket;
  private error: Error | undefined;

  constructor(
    endpoint: Endpoint,
    /** The reader until the caller sets another. */
    public reader: Reader,
  ) {
    // The reader is looked up at every read, so a swap takes effect from the next one.
    const onread = {
      buffer: () => this.reader.buffer(this.scratch),
      callback: (n: number, buf: Uint8Array) => this.reader.got(n, buf),
    };
    this.socket = endpoint.tls
      ? tls.connect({
          host: endpoint.host,
          port: endpoint.port,
          servername: net.isIP(endpoint.host) ? undefined : endpoint.host,
          ALPNProtocols: ['http/1.1'],
          onread,
        } as tls.ConnectionOptions)
      : net.connect({ host: endpoint.host, port: endpoint.port, onread });
    this.socket.on('error', (e) => (this.error ??= e));
    this.socket.on('close', () => this.reader.closed(this.error));
  }

  /** Sends the request once connected (TLS: once the handshake is done). */
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Reads again after a reader's got() returned false. */
  resume(): void {
    this.socket.resume();
  }

  /** `onTimeout` after `ms` without a read or write; 0 turns it off. */
  setTimeout(ms: number, onTimeout?: () => void): void {
    this.socket.setTimeout(ms, onTimeout);
  }

  destroy(error?: Error): void {
    if (error) this.error ??= error;
    this.socket.destroy();
  }
}
