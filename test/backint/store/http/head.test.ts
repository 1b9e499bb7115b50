import { framing, MalformedResponse, MAX_HEAD_BYTES, parseHead } from '../../../../src/backint/store/http/head.js';

/** s3rver's answer to a ranged GET (bytes=0-4 of a 10-byte object), as curl captured it. */
const S3RVER_206 =
  'HTTP/1.1 206 Partial Content\r\n' +
  'Accept-Ranges: bytes\r\n' +
  'Content-Type: application/octet-stream\r\n' +
  'Last-Modified: Sun, 22 Nov 2026 08:32:13 GMT\r\n' +
  'ETag: "a925576942e94b2ef57a066101b48876"\r\n' +
  'Content-Length: 5\r\n' +
  'x-amz-meta-ebid: 1795336068815-b92c8fc9\r\n' +
  'Content-Range: bytes 0-4/10\r\n' +
  'Date: Sun, 22 Nov 2026 08:32:13 GMT\r\n' +
  'Connection: keep-alive\r\n' +
  'Keep-Alive: timeout=5\r\n' +
  '\r\n' +
  'abcde';

/** A 404 with a chunked body (written by hand: the framing a server may choose for an error body). */
const CHUNKED_404 = [
  'HTTP/1.1 404 Not Found',
  'x-amz-request-id: 4442587FB7D0A2F9',
  'Content-Type: application/xml',
  'Transfer-Encoding: chunked',
  '',
  '',
].join('\r\n');

describe('HTTP response head', () => {
  test('a ranged GET answer: status, lower-case fields, where the body starts, framed by its length', () => {
    const buf = Buffer.from(S3RVER_206, 'latin1');
    const h = parseHead(buf)!;
    expect(h.status).toBe(206);
    expect(h.headers['content-range']).toBe('bytes 0-4/10');
    expect(h.headers.etag).toBe('"a925576942e94b2ef57a066101b48876"');
    expect(h.headers['x-amz-meta-ebid']).toBe('1795336068815-b92c8fc9');
    expect(buf.subarray(h.length).toString()).toBe('abcde');
    expect(framing(h, 'GET')).toEqual({ kind: 'length', length: 5 });
  });

  test('undefined until the empty line has arrived, whatever the split', () => {
    const buf = Buffer.from(S3RVER_206, 'latin1');
    const end = buf.indexOf('\r\n\r\n') + 4;
    for (let cut = 0; cut < end; cut++) expect(parseHead(buf.subarray(0, cut))).toBeUndefined();
    expect(parseHead(buf.subarray(0, end))!.length).toBe(end);
  });

  test('chunked and close-delimited framing; no body for HEAD, 204 and 304', () => {
    const h = parseHead(Buffer.from(CHUNKED_404, 'latin1'))!;
    expect(h.status).toBe(404);
    expect(framing(h, 'GET')).toEqual({ kind: 'chunked' });
    const noLength = parseHead(Buffer.from('HTTP/1.1 200 OK\r\nServer: x\r\n\r\n'))!;
    expect(framing(noLength, 'GET')).toEqual({ kind: 'close' });
    expect(framing(noLength, 'HEAD')).toEqual({ kind: 'length', length: 0 });
    expect(framing(parseHead(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))!, 'GET')).toEqual({ kind: 'length', length: 0 });
  });

  test('repeated fields are joined', () => {
    const h = parseHead(Buffer.from('HTTP/1.1 200 OK\r\nVary: Origin\r\nvary: Accept\r\nContent-Length: 0\r\n\r\n'))!;
    expect(h.headers.vary).toBe('Origin, Accept');
  });

  test.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n', /status line/],
    ['a status of two digits', 'HTTP/1.1 20 OK\r\n\r\n', /status line/],
    ['a field without a colon', 'HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\n', /header line "Content-Length 5"/],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n', /header line/],
  ])('refused: %s', (_name, text, message) => {
    expect(() => parseHead(Buffer.from(text, 'latin1'))).toThrow(message);
    expect(() => parseHead(Buffer.from(text, 'latin1'))).toThrow(MalformedResponse);
  });

  test.each([
    ['content-length not a number', 'Content-Length: 5, 6', /content-length/],
    ['a transfer coding other than chunked last', 'Transfer-Encoding: gzip', /transfer-encoding gzip/],
  ])('framing refused: %s', (_name, field, message) => {
    const h = parseHead(Buffer.from(`HTTP/1.1 200 OK\r\n${field}\r\n\r\n`))!;
    expect(() => framing(h, 'GET')).toThrow(message);
  });

  test('a head that never ends is refused once larger than the limit', () => {
    const endless = Buffer.from(`HTTP/1.1 200 OK\r\n${'X-Filler: y\r\n'.repeat(MAX_HEAD_BYTES / 10)}`);
    expect(() => parseHead(endless)).toThrow(/no end of the head/);
  });
});
