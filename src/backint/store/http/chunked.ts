/** Decoding of a chunked body (RFC 9112 section 7.1): the data pieces of each chunk, extensions and trailers skipped. */
import { MalformedResponse } from './head.js';

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

export class ChunkedDecoder {
  private state: State = 'size';
  private line = '';
  private left = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** The data in `buf`, as views of it; bytes after the end of the body are ignored. */
  write(buf: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < buf.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.left, buf.length - i);
        out.push(buf.subarray(i, i + n));
        i += n;
        this.left -= n;
        if (this.left === 0) this.state = 'data-end';
        continue;
      }
      // size, data-end and trailer are lines
      const nl = buf.indexOf(0x0a, i);
      const end = nl < 0 ? buf.length : nl;
      this.line += Buffer.from(buf.buffer, buf.byteOffset + i, end - i).toString('latin1');
      if (this.line.length > 4096) throw new MalformedResponse('chunk line longer than 4096 bytes');
      i = end + 1;
      if (nl < 0) break;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (this.state === 'data-end') {
        if (line !== '') throw new MalformedResponse('no CRLF after chunk data');
        this.state = 'size';
      } else if (this.state === 'trailer') {
        if (line === '') this.state = 'done';
      } else {
        const size = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) throw new MalformedResponse(`chunk size line ${JSON.stringify(line.slice(0, 40))}`);
        this.left = parseInt(size[1]!, 16);
        this.state = this.left === 0 ? 'trailer' : 'data';
      }
    }
    return out;
  }
}
