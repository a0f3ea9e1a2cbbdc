import { DEVICE_CODE } from '../../../src/core/protocol/grant-types.ts'
import { startDevice } from '../../support/device-flow.ts'
import type { TestServer } from '../../support/server.ts'
import { basicAuthorization, postJson, redeemCode } from '../../support/oauth-client.ts'
import { authorizeCode, codeOf, formOn, newBrowser, newPkce } from '../../support/flow.ts'

/** A name and a value as they go on the wire: already percent-encoded, or deliberately not. */
export type Param = readonly [name: string, value: string]
export type Header = readonly [name: string, value: string]

/** A request the fuzzer starts from and mutates; it is turned into bytes by `serialize`. */
export interface FuzzRequest {
  readonly method: string
  readonly path: string
  readonly query: readonly Param[]
  /** The form body's parameters; ignored when `body` is set. */
  readonly form: readonly Param[] | null
  readonly body?: Buffer
  /** Sent with Transfer-Encoding: chunked instead of a Content-Length. */
  readonly chunked?: boolean
  readonly headers: readonly Header[]
}

const wire = (value: string) => encodeURIComponent(value)
const params = (record: Readonly<Record<string, string>>): Param[] =>
  Object.entries(record).map(([name, value]) => [wire(name), wire(value)])

const FORM: Header = ['content-type', 'application/x-www-form-urlencoded']
const HTML: Header = ['accept', 'text/html,application/xhtml+xml,*/*;q=0.8']

/**
 * Valid requests to every endpoint, made with real clients, a real user, a signed-in browser, a live user code
 * and real tokens, so that mutations reach the code behind each endpoint's first checks.
 */
export async function validRequests(server: TestServer): Promise<FuzzRequest[]> {
  const { client: web, secret: webSecret } = await server.client({
    name: 'Fuzz web',
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
    allowLegacy: ['password'],
    canIntrospect: true,
  })
  const device = await server.client({
    name: 'Fuzz TV',
    type: 'public',
    grantTypes: [DEVICE_CODE, 'refresh_token'],
    redirectUris: [],
  })
  const user = await server.user('fuzz-user')
  const browser = newBrowser(server.issuer)
  const pkce = newPkce()
  const code = codeOf(await authorizeCode(server, { client: web, pkce, user, browser }))
  const tokens = (await redeemCode(server, { client: web, secret: webSecret, code, verifier: pkce.verifier }))
    .json
  const codes = await startDevice(server, device)
  const entry = formOn((await browser.get('/device')).body)
  if (entry === null || webSecret === null) throw new Error('no device entry form or client secret')
  const csrf = entry.fields.csrf_token ?? ''
  const cookie: Header = [
    'cookie',
    [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
  ]
  const basic: Header = ['authorization', basicAuthorization(web.id, webSecret)]
  const authorization = {
    response_type: 'code',
    client_id: web.id,
    redirect_uri: web.redirectUris[0] ?? '',
    code_challenge: newPkce().challenge,
    code_challenge_method: 'S256',
    scope: 'profile read',
    state: 'fuzz-state',
  }
  const pushed = await postJson(server, '/par', { ...authorization }, { authorization: basic[1] })
  const requestUri = String(pushed.json.request_uri)
  const api = (path: string, form: Record<string, string>, headers: Header[] = [basic]): FuzzRequest => ({
    method: 'POST',
    path,
    query: [],
    form: params(form),
    headers: [FORM, ...headers],
  })
  const page = (path: string, form: Record<string, string>): FuzzRequest => ({
    method: 'POST',
    path,
    query: [],
    form: params({ csrf_token: csrf, ...form }),
    headers: [FORM, HTML, cookie],
  })
  const get = (path: string, query: Record<string, string>, headers: Header[]): FuzzRequest => ({
    method: 'GET',
    path,
    query: params(query),
    form: null,
    headers,
  })
  return [
    api('/token', { grant_type: 'client_credentials', scope: 'read' }),
    api('/token', {
      grant_type: 'authorization_code',
      code: 'not-a-live-code',
      code_verifier: pkce.verifier,
      redirect_uri: authorization.redirect_uri,
    }),
    api('/token', { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }),
    api('/token', { grant_type: 'password', username: user.username, password: 'wrong password' }),
    api(
      '/token',
      { grant_type: DEVICE_CODE, device_code: codes.deviceCode, client_id: device.client.id },
      [],
    ),
    api(
      '/token',
      {
        grant_type: 'client_credentials',
        client_id: web.id,
        client_secret: webSecret,
      },
      [],
    ),
    api('/revoke', { token: String(tokens.access_token), token_type_hint: 'access_token' }),
    api('/introspect', { token: String(tokens.access_token) }),
    api('/device_authorization', { client_id: device.client.id, scope: 'profile' }, []),
    get('/authorize', authorization, [HTML, cookie]),
    api('/par', authorization),
    get('/authorize', { client_id: web.id, request_uri: requestUri }, [HTML, cookie]),
    { ...page('/authorize', authorization), form: params(authorization) },
    page('/login', { ...authorization, username: user.username, password: 'wrong password' }),
    page('/consent', { ...authorization, decision: 'deny' }),
    get('/device', { user_code: codes.userCode }, [HTML, cookie]),
    page('/device', { user_code: codes.userCode }),
    page('/device/login', { user_code: codes.userCode, username: user.username, password: 'wrong' }),
    page('/device/decide', { user_code: codes.userCode, decision: 'deny' }),
    get('/account', {}, [HTML, cookie]),
    page('/account/login', { username: user.username, password: 'wrong password' }),
    page('/account/disconnect', { client_id: web.id }),
    page('/account/sessions/end', { sid: 'no-such-session' }),
    page('/account/password', {
      current_password: 'wrong password',
      new_password: 'a new password',
      confirm_password: 'a new password',
    }),
    get('/.well-known/oauth-authorization-server', {}, []),
    get('/.well-known/openid-configuration', {}, []),
    get('/userinfo', {}, [['authorization', `Bearer ${String(tokens.access_token)}`]]),
    api('/userinfo', { access_token: String(tokens.access_token) }, []),
    get('/jwks.json', {}, [['accept', 'application/jwk-set+json']]),
    get('/assets/keyward.css', {}, []),
    get('/nothing-here', {}, []),
    {
      method: 'OPTIONS',
      path: '/token',
      query: [],
      form: null,
      headers: [
        ['origin', 'https://app.example'],
        ['access-control-request-method', 'POST'],
        ['access-control-request-headers', 'authorization, content-type'],
      ],
    },
  ]
}

/** The body in two chunks and the last, empty one (RFC 9112 §7.1). */
function chunked(body: Buffer): Buffer {
  const half = Math.ceil(body.length / 2)
  const parts = [body.subarray(0, half), body.subarray(half)].filter((part) => part.length > 0)
  return Buffer.concat([
    ...parts.flatMap((part) => [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
    Buffer.from('0\r\n\r\n'),
  ])
}

/** The bytes of a request, with Host, Connection: close and the body's framing (Content-Length, or chunks). */
export function serialize(request: FuzzRequest): Buffer {
  const query = request.query.map(([name, value]) => `${name}=${value}`).join('&')
  const target = query === '' ? request.path : `${request.path}?${query}`
  const content =
    request.body ??
    (request.form === null
      ? Buffer.alloc(0)
      : Buffer.from(request.form.map(([name, value]) => `${name}=${value}`).join('&'), 'latin1'))
  const body = request.chunked ? chunked(content) : content
  const headers: Header[] = [['Host', '127.0.0.1'], ...request.headers, ['Connection', 'close']]
  if (request.chunked) headers.push(['Transfer-Encoding', 'chunked'])
  else if (body.length > 0 || request.form) headers.push(['Content-Length', String(body.length)])
  const head = `${request.method} ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), body])
}
