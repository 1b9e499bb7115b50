import { ChunkedDecoder } from '../../../../src/backint/store/http/chunked.js';

const BODY =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
/** An error body in chunks of uneven size, with a chunk extension and a trailer. */
const WIRE =
  `2a;name=value\r\n${BODY.slice(0, 42)}\r\n` +
  `${(BODY.length - 42).toString(16)}\r\n${BODY.slice(42)}\r\n0\r\nx-amz-trailer: 1\r\n\r\n`;

function decodeIn(pieces: Buffer[]): { text: string; done: boolean } {
  const d = new ChunkedDecoder();
  const out: Uint8Array[] = [];
  for (const p of pieces) out.push(...d.write(p));
  return { text: Buffer.concat(out).toString(), done: d.done };
}

describe('chunked body', () => {
  test('decoded whole, extensions and trailers skipped', () => {
    expect(decodeIn([Buffer.from(WIRE)])).toEqual({ text: BODY, done: true });
  });

  test('decoded the same whatever the reads it arrives in', () => {
    const wire = Buffer.from(WIRE);
    for (let cut = 1; cut < wire.length; cut++)
      expect(decodeIn([wire.subarray(0, cut), wire.subarray(cut)])).toEqual({ text: BODY, done: true });
    expect(decodeIn([...wire].map((b) => Buffer.from([b])))).toEqual({ text: BODY, done: true });
  });

  test('not done before the last chunk and the trailer end', () => {
    expect(decodeIn([Buffer.from(WIRE.slice(0, -2))]).done).toBe(false);
  });

  test('bytes after the end are not part of the body', () => {
    expect(decodeIn([Buffer.from(`${WIRE}HTTP/1.1 200 OK\r\n`)]).text).toBe(BODY);
  });

  test.each([
    ['a size that is not hex', 'zz\r\nab\r\n0\r\n\r\n', /chunk size line "zz"/],
    ['data longer than its size', '2\r\nabc\r\n0\r\n\r\n', /no CRLF after chunk data/],
  ])('refused: %s', (_name, wire, message) => {
    expect(() => decodeIn([Buffer.from(wire)])).toThrow(message);
  });
});
