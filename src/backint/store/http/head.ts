/**
 * The head of an HTTP/1.1 response (status line and header fields, RFC 9112) and how its body is framed.
 * Only what a GET to S3 needs: no header folding, no HTTP/1.0 keep-alive.
 */

export interface ResponseHead {
  readonly status: number;
  /** Field names in lower case; repeated fields joined with ", ". */
  readonly headers: Record<string, string>;
  /** Bytes of the head, the empty line included; the body starts there. */
  readonly length: number;
}

export type Framing =
  { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' } | { readonly kind: 'close' };

/** Larger heads are refused rather than buffered without end. */
export const MAX_HEAD_BYTES = 64 * 1024;

export class MalformedResponse extends Error {
  constructor(message: string) {
    super(`malformed HTTP response: ${message}`);
    this.name = 'MalformedResponse';
  }
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/;
/** A token (RFC 9110 section 5.6.2): what a method or a field name is made of. */
const TCHARS = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
export const TOKEN = new RegExp(`^${TCHARS}$`);
const FIELD = new RegExp(`^(${TCHARS}):[ \\t]*(.*?)[ \\t]*$`);

/** The head at the start of `buf`, or undefined while its empty line has not arrived. */
export function parseHead(buf: Buffer): ResponseHead | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw new MalformedResponse(`no end of the head within ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const status = STATUS_LINE.exec(lines[0]!);
  if (!status) throw new MalformedResponse(`status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const f = FIELD.exec(line);
    if (!f) throw new MalformedResponse(`header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = f[1]!.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${f[2]}` : f[2]!;
  }
  return { status: Number(status[1]), headers, length: end + 4 };
}

/** How the body of a response to `method` is delimited (RFC 9112 section 6.3). */
export function framing(head: ResponseHead, method: string): Framing {
  if (method === 'HEAD' || head.status === 204 || head.status === 304 || head.status < 200) return { kind: 'length', length: 0 };
  const te = head.headers['transfer-encoding'];
  if (te !== undefined) {
    if (te.split(',').pop()!.trim().toLowerCase() !== 'chunked') throw new MalformedResponse(`transfer-encoding ${te}`);
    return { kind: 'chunked' };
  }
  const cl = head.headers['content-length'];
  if (cl === undefined) return { kind: 'close' };
  if (!/^\d{1,15}$/.test(cl)) throw new MalformedResponse(`content-length ${JSON.stringify(cl)}`);
  return { kind: 'length', length: Number(cl) };
}
