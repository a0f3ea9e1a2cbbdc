import fc from 'fast-check'

/**
 * Byte-level damage to a valid request, for the raw phase: what an HTTP client library would refuse to send and
 * what Node's parser must refuse to read (control bytes, broken framing, conflicting lengths, header overflow).
 */
export type RawMutation =
  | { readonly op: 'byte'; readonly at: number; readonly byte: number; readonly insert: boolean }
  | { readonly op: 'cut'; readonly at: number }
  | { readonly op: 'delete'; readonly at: number; readonly length: number }
  | { readonly op: 'header-line'; readonly line: string }
  | { readonly op: 'request-line'; readonly line: (method: string, target: string) => string }

const HEADER_LINES = [
  'X-A: a\u0000b',
  'X-A: a\u0001b',
  'X-A: a\u007fb',
  'NoColonHere',
  ': no name',
  'X A: space in the name',
  ' folded continuation',
  '\tfolded continuation',
  `X-Big: ${'a'.repeat(20_000)}`,
  'Content-Length: -1',
  'Content-Length: 1, 2',
  'Content-Length: abc',
  'Content-Length: 99999999999999999999',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'Transfer-Encoding: identity',
  'Host: ',
  'Host: a\r\nHost: b',
  'Host: evil.example:99999',
  'Expect: 100-continue',
  'Expect: teapot',
  'Upgrade: websocket\r\nConnection: Upgrade',
  'Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
  `Cookie: ${'k=v; '.repeat(4000)}`,
  Array.from({ length: 300 }, (_, index) => `X-H${index}: ${index}`).join('\r\n'),
]

const REQUEST_LINES: readonly ((method: string, target: string) => string)[] = [
  (method, target) => `${method.toLowerCase()} ${target} HTTP/1.1`,
  (_method, target) => `FOO ${target} HTTP/1.1`,
  (_method, target) => `G\u0000T ${target} HTTP/1.1`,
  () => 'CONNECT 127.0.0.1:1 HTTP/1.1',
  (method, target) => `${method} ${target} HTTP/9.9`,
  (method, target) => `${method} ${target} HTTP/1.0`,
  (method, target) => `${method} ${target}`,
  (method, target) => `${method}  ${target}  HTTP/1.1`,
  (method, target) => `${method} ${target.replace('/', '/ ')} HTTP/1.1`,
  (method, target) => `${method} ${target}\u00ff\u00fe HTTP/1.1`,
  (method, target) => `${method} ${target}\u0000 HTTP/1.1`,
  (method, target) => `${method} ${target}#fragment HTTP/1.1`,
  (method, target) => `${method} http://evil.example${target} HTTP/1.1`,
  (method) => `${method} * HTTP/1.1`,
  (method) => `${method} token HTTP/1.1`,
  (method) => `${method} /${'a'.repeat(20_000)} HTTP/1.1`,
  () => 'PRI * HTTP/2.0\r\n\r\nSM',
]

export const rawMutation: fc.Arbitrary<RawMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('byte' as const),
      at: fc.nat(),
      byte: fc.oneof(fc.constantFrom(0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x7f, 0x80, 0xff), fc.nat(255)),
      insert: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cut' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('header-line' as const), line: fc.constantFrom(...HEADER_LINES) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('request-line' as const),
      line: fc.constantFrom(...REQUEST_LINES),
    }),
  },
)

/** Applies a byte-level mutation; positions fall in the head (request line and headers), where parsing happens. */
export function damage(bytes: Buffer, change: RawMutation): Buffer {
  const headEnd = bytes.indexOf('\r\n\r\n')
  const head = headEnd === -1 ? bytes.length : headEnd
  switch (change.op) {
    case 'byte': {
      const at = change.at % head
      const tail = bytes.subarray(change.insert ? at : at + 1)
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([change.byte]), tail])
    }
    case 'cut':
      return bytes.subarray(0, change.at % bytes.length)
    case 'delete': {
      const at = change.at % head
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)])
    }
    case 'header-line': {
      const lineEnd = bytes.indexOf('\r\n')
      return Buffer.concat([
        bytes.subarray(0, lineEnd + 2),
        Buffer.from(`${change.line}\r\n`, 'latin1'),
        bytes.subarray(lineEnd + 2),
      ])
    }
    case 'request-line': {
      const lineEnd = bytes.indexOf('\r\n')
      const [method = 'GET', target = '/'] = bytes.subarray(0, lineEnd).toString('latin1').split(' ')
      return Buffer.concat([Buffer.from(change.line(method, target), 'latin1'), bytes.subarray(lineEnd)])
    }
  }
}

export interface RawCase {
  readonly base: number
  readonly mutations: readonly RawMutation[]
  readonly source: number
}

export const rawCase: fc.Arbitrary<RawCase> = fc.record({
  base: fc.nat(),
  mutations: fc.array(rawMutation, { minLength: 1, maxLength: 2 }),
  source: fc.nat(2000),
})
