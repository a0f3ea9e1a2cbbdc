import fc from 'fast-check'
import type { FuzzRequest, Header, Param } from './corpus.ts'

/**
 * Mutations of a valid request that still reach the router: well-formed HTTP whose request line is visible ASCII
 * and whose head stays far below Node's 16 KB limit. Malformed HTTP is the raw phase's job (raw-mutations.ts).
 */
export type Mutation =
  | { readonly op: 'drop'; readonly at: number }
  | { readonly op: 'duplicate'; readonly at: number; readonly value: string | null }
  | { readonly op: 'set'; readonly at: number; readonly value: string }
  | { readonly op: 'add'; readonly name: string; readonly value: string }
  | { readonly op: 'move' }
  | { readonly op: 'method'; readonly method: string }
  | { readonly op: 'content-type'; readonly value: string | null }
  | { readonly op: 'body'; readonly body: Uint8Array }
  | { readonly op: 'json' }
  | { readonly op: 'chunked' }
  | { readonly op: 'header'; readonly header: Header; readonly replace: boolean }
  | { readonly op: 'drop-header'; readonly at: number }
  | { readonly op: 'path'; readonly path: (path: string) => string }

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
/** Every byte percent-encoded: NUL, control bytes and invalid UTF-8 travel as escapes. */
const escapeBytes = (bytes: Uint8Array) => Array.from(bytes, hex).join('')
/** Unreserved characters as they are, every other byte of the UTF-8 escaped. */
const escapeText = (text: string) =>
  Array.from(Buffer.from(text, 'utf8'), (byte) =>
    /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : hex(byte),
  ).join('')

/** Odd values in wire form: NUL, invalid UTF-8, broken escapes, injections, huge and empty values. */
const ODD_VALUES = [
  '',
  '%00',
  'a%00b',
  '%FF%FE',
  '%C3%28',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%zz',
  '%',
  '%%41',
  '+',
  '%2B%20',
  '%0D%0ASet-Cookie:%20x=1',
  '%F0%9F%98%80'.repeat(40),
  '%E2%80%AE%E2%80%8B',
  '..%2F..%2Fetc%2Fpasswd',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '__proto__',
  '-1',
  '1e309',
  '%5B%5D',
  '%7B%22a%22%3A1%7D',
  'javascript:alert(1)',
  'https%3A%2F%2Fevil.example%2Fcallback',
  'XXXX-XXXX',
  'bcdf-ghjk',
]

const oddValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_VALUES) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 48 }).map(escapeBytes) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 32 }).map(escapeText) },
  { weight: 1, arbitrary: fc.constantFrom(300, 2000, 5000).map((length) => 'x'.repeat(length)) },
)

const oddName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'client_id%5B%5D',
    '',
    '%00',
    'CLIENT_ID',
    'Grant_Type',
    'x'.repeat(300),
  ),
  fc.constantFrom(
    'client_id',
    'client_secret',
    'grant_type',
    'scope',
    'token',
    'user_code',
    'csrf_token',
    'username',
  ),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map(escapeBytes),
)

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH']

const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=ISO-8859-1',
  'application/x-www-form-urlencoded; charset=utf-16',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded;;',
  'application/x-www-form-urlencodedx',
  'application/x-www-form-urlencoded, application/json',
  ';;;',
  '',
  '*/*',
  'application/xml',
]

const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64')

const headerValue = (name: string): fc.Arbitrary<string> => {
  switch (name) {
    case 'authorization':
      return fc.oneof(
        fc.constantFrom(
          'Basic',
          'Basic ',
          'Basic ####',
          `Basic ${base64('%zz:%')}`,
          `Basic ${base64('nobody:secret')}`,
          `Basic ${base64('a\u0000b:secret')}`,
          `Basic ${base64('a%00b:secret')}`,
          `Basic ${base64(':')}`,
          'Bearer abc',
          'Digest username="x"',
          `Basic ${'A'.repeat(6000)}`,
        ),
        fc.uint8Array({ maxLength: 64 }).map((bytes) => `Basic ${base64(bytes)}`),
      )
    case 'cookie':
      return fc.constantFrom(
        `kw_session=${'%'.repeat(200)}`,
        '=;;=%zz; kw_csrf',
        `kw_csrf=${'c'.repeat(4000)}`,
        'a=1; '.repeat(400),
        'kw_session=%00; kw_csrf=%FF',
        'kw_session=\u00ff\u00fe',
        'kw_csrf="unterminated',
        '',
      )
    case 'accept':
      return fc.constantFrom('text/html', 'application/json', '*/*', '', 'text/html;q=0', 'image/png')
    case 'origin':
      return fc.constantFrom('https://evil.example', 'null', '', 'https://app.example')
    default:
      return fc.oneof(
        fc.constantFrom('', 'gzip', 'bytes=0-1', '*', 'DELETE', '1.2.3.4, unknown', '\u00ff\u00fe'),
        fc.constantFrom(100, 6000).map((length) => 'v'.repeat(length)),
      )
  }
}

const HEADER_NAMES = [
  'authorization',
  'cookie',
  'accept',
  'origin',
  'x-forwarded-for',
  'content-encoding',
  'accept-encoding',
  'range',
  'if-none-match',
  'x-http-method-override',
  'access-control-request-method',
  'x-big',
]

const header: fc.Arbitrary<Header> = fc
  .constantFrom(...HEADER_NAMES)
  .chain((name) => headerValue(name).map((value): Header => [name, value]))

const PATH_CHANGES: readonly ((path: string) => string)[] = [
  (path) => `${path}/`,
  (path) => `/${path}`,
  (path) => path.toUpperCase(),
  (path) => path.replace(/[a-z]/, (letter) => hex(letter.charCodeAt(0))),
  (path) => `${path}/..`,
  (path) => `/.${path}`,
  (path) => `${path}%00`,
  (path) => `${path};x=1`,
  (path) => `${path}%2F`,
  (path) => `/nothing${path}`,
  () => `/${'a'.repeat(3000)}`,
  () => '/',
  () => '/%zz',
  () => '/%E0%A4%A',
  () => '/.well-known/',
]

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), value: fc.option(oddValue) }),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: oddValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), name: oddName, value: oddValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('move' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('method' as const), method: fc.constantFrom(...METHODS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('content-type' as const),
      value: fc.option(fc.constantFrom(...CONTENT_TYPES)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('body' as const),
      body: fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.constant(new Uint8Array(70 * 1024).fill(0x61))),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('json' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('chunked' as const) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('header' as const), header, replace: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop-header' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('path' as const), path: fc.constantFrom(...PATH_CHANGES) }),
  },
)

/** GET-like requests carry their parameters in the query, the others in the form. */
const inQuery = (request: FuzzRequest) => request.form === null

function withParams(request: FuzzRequest, change: (params: readonly Param[]) => Param[]): FuzzRequest {
  return inQuery(request)
    ? { ...request, query: change(request.query) }
    : { ...request, form: change(request.form ?? []) }
}

const pick = <T>(items: readonly T[], at: number): number => (items.length === 0 ? -1 : at % items.length)

export function mutate(request: FuzzRequest, change: Mutation): FuzzRequest {
  switch (change.op) {
    case 'drop':
      return withParams(request, (params) => params.filter((_, index) => index !== pick(params, change.at)))
    case 'duplicate':
      return withParams(request, (params) => {
        const original = params[pick(params, change.at)]
        return original === undefined ? [...params] : [...params, [original[0], change.value ?? original[1]]]
      })
    case 'set':
      return withParams(request, (params) =>
        params.map((param, index) => (index === pick(params, change.at) ? [param[0], change.value] : param)),
      )
    case 'add':
      return withParams(request, (params) => [...params, [change.name, change.value]])
    case 'move':
      return inQuery(request)
        ? { ...request, query: [], form: request.query }
        : { ...request, query: request.form ?? [], form: null }
    case 'method':
      return { ...request, method: change.method }
    case 'content-type': {
      const headers = request.headers.filter(([name]) => name !== 'content-type')
      return {
        ...request,
        headers: change.value === null ? headers : [...headers, ['content-type', change.value]],
      }
    }
    case 'body':
      return { ...request, body: Buffer.from(change.body) }
    case 'json': {
      const json = Object.fromEntries(
        (inQuery(request) ? request.query : (request.form ?? [])).map(([n, v]) => [n, v]),
      )
      return {
        ...request,
        body: Buffer.from(JSON.stringify(json)),
        headers: [
          ...request.headers.filter(([name]) => name !== 'content-type'),
          ['content-type', 'application/json'],
        ],
      }
    }
    case 'chunked':
      return { ...request, chunked: true }
    case 'header': {
      const [name] = change.header
      const kept = change.replace
        ? request.headers.filter(([existing]) => existing !== name)
        : request.headers
      return { ...request, headers: [...kept, change.header] }
    }
    case 'drop-header':
      return {
        ...request,
        headers: request.headers.filter((_, index) => index !== pick(request.headers, change.at)),
      }
    case 'path':
      return { ...request, path: change.path(request.path) }
  }
}

/** One fuzz case: which valid request to start from, what to do to it, and which loopback address sends it. */
export interface FuzzCase {
  readonly base: number
  readonly mutations: readonly Mutation[]
  readonly source: number
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  base: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  source: fc.nat(2000),
})
