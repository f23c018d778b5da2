// Raw TCP helpers for the attack tests: what a browser or fetch would never send.
import { connect } from 'node:net';

/**
 * Writes `bytes` to host:port and collects the answer until the server closes
 * or `waitMs` passes. Returns the status (0 when the connection closed without
 * an HTTP answer, -1 when nothing came back in time) and the raw text.
 * @param {number} port @param {string | Buffer} bytes @param {number} [waitMs]
 */
export function rawRequest(port, bytes, waitMs = 3000) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = (timedOut) => {
      clearTimeout(timer);
      socket.destroy();
      // The final answer: skip interim 1xx (100 Continue).
      const finals = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])).filter((s) => s >= 200);
      resolve({ status: finals.length ? finals[0] : timedOut ? -1 : 0, text, closed: !timedOut });
    };
    const timer = setTimeout(() => done(true), waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => done(false));
    socket.on('close', () => done(false));
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

const UUID = '7f22137a-6911-4ed3-bc36-110f1dde6b66';
const post = (body, extra = '') =>
  `POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;
const deep = (n, open, close, inner = '1') => open.repeat(n) + inner + close.repeat(n);

/** The corpus: [name, bytes]. Every entry must get an HTTP answer (or a close) and leave the process alive. */
export const CORPUS = [
  ['target //[', 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['target http://a:99999/x', 'GET http://a:99999/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['target http://[/feedback', 'POST http://[/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'],
  ['target *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['target without slash', 'POST feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'],
  ['target absolute, valid', 'POST http://x/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'],
  ['target with bad escapes', 'POST /feedback%zz?%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'],
  ['target with NUL', 'GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['target 64 KB', `GET /${'a'.repeat(65536)} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ['method FOO', 'FOO /feedback HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['method DELETE', 'DELETE /feedback HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['method HEAD', 'HEAD /feedback HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['method PUT with body', 'PUT /feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'],
  ['HTTP/0.9', 'GET /\r\n\r\n'],
  ['HTTP/3.0', 'GET / HTTP/3.0\r\nHost: x\r\n\r\n'],
  ['TLS hello on plain port', Buffer.from('16030100a5010000a103035f', 'hex')],
  ['garbage bytes', Buffer.from([0, 255, 1, 254, 13, 10, 13, 10])],
  ['header 40 KB', `POST /feedback HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40000)}\r\n\r\n`],
  ['3000 headers', `POST /feedback HTTP/1.1\r\nHost: x\r\n${'X-A: 1\r\n'.repeat(3000)}\r\n`],
  ['header with NUL', 'POST /feedback HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n'],
  ['header without colon', 'POST /feedback HTTP/1.1\r\nHost x\r\n\r\n'],
  ['two Content-Length', 'POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}'],
  ['negative Content-Length', 'POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
  ['Content-Length not a number', 'POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
  ['Content-Length 1e12, no body', 'POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n'],
  ['Transfer-Encoding and Content-Length', 'POST /feedback HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n'],
  ['bad chunk size', 'POST /feedback HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'],
  ['unknown Transfer-Encoding', 'POST /feedback HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ['Expect: 100-continue', 'POST /feedback HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'],
  ['Upgrade: websocket', 'GET /feedback HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
  ['CONNECT', 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n'],
  ['content-type image/png', post('{}', '').replace('application/json', 'image/png')],
  ['content-type with 10 KB params', post('{}', '').replace('application/json', `application/json; ${'a=b; '.repeat(2000)}`)],
  ['Origin foreign', post('{"updates":[]}', 'Origin: https://evil.example\r\n')],
  ['Origin null', post('{"updates":[]}', 'Origin: null\r\n')],
  ['Origin garbage', post('{"updates":[]}', 'Origin: ::::\r\n')],
  ['X-Forwarded-For garbage', post('{"updates":[]}', `X-Forwarded-For: ${',,,'.repeat(3000)}\r\n`)],
  ['body not JSON', post('{"updates": [')],
  ['body null', post('null')],
  ['body array', post('[]')],
  ['body string', post('"x"')],
  ['body invalid UTF-8', Buffer.concat([Buffer.from('POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nConnection: close\r\n\r\n'), Buffer.from([0x22, 0xff, 0xfe, 0x22])])],
  ['updates not an array', post('{"updates":{"length":1e9}}')],
  ['updates of junk', post('{"updates":[null,1,"x",[],{},{"id":{}},{"id":"a","event_id":1}]}')],
  ['token not a string', post('{"updates":[],"token":{"a":1}}')],
  ['1000 updates', post(JSON.stringify({ updates: Array.from({ length: 1000 }, (_, i) => ({ id: `u${i}`, event_id: UUID, feedback: {} })) }))],
  ['JSON 100,000 deep arrays', post(deep(100_000, '[', ']'))],
  ['feedback 100,000 deep', post(`{"updates":[{"id":"d","event_id":"${UUID}","feedback":${deep(100_000, '{"a":', '}')}}]}`)],
  ['feedback arrays 10,000 deep', post(`{"updates":[{"id":"d","event_id":"${UUID}","feedback":{"a":${deep(10_000, '[', ']')}}}]}`)],
  ['feedback __proto__', post(`{"updates":[{"id":"p","event_id":"${UUID}","feedback":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}}]}`)],
  ['feedback 200 KB string', post(`{"updates":[{"id":"s","event_id":"${UUID}","feedback":{"comment":"${'x'.repeat(200_000)}"}}]}`)],
  ['feedback wrong-typed score', post(`{"updates":[{"id":"t","event_id":"${UUID}","feedback":{"score":"5","rating":{},"ground_truth":[[[1]]]}}]}`)],
  ['id 1 MB', post(`{"updates":[{"id":"${'i'.repeat(200_000)}","event_id":"${UUID}","feedback":{}}]}`)],
  ['body over maxBodyBytes', post(`{"updates":[],"pad":"${'p'.repeat(300_000)}"}`)],
  ['pipelined garbage after a request', `GET /x HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02 HTTP/9\r\n\r\n`],
  ['request then half close', 'POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"up'],
];
