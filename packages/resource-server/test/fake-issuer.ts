import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTHeaderParameters, SignJWT } from 'jose'

export const AUDIENCE = 'https://api.example.test'
/** Characters that only survive client_secret_basic if id and secret are form-encoded first (RFC 6749 §2.3.1). */
export const RESOURCE_SERVER = { clientId: 'api:orders', clientSecret: 'sé cret+/=&:%' } as const

export interface TestKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
}

export async function createKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } }
}

/** A real authorization server as far as a resource server can tell: metadata, JWKS, introspection. */
export interface FakeIssuer {
  readonly issuer: string
  /** Requests served, per endpoint. */
  readonly hits: { metadata: number; jwks: number; introspection: number }
  /** The keys the JWKS endpoint publishes. */
  publish(keys: readonly TestKey[]): void
  /** While down, every endpoint answers 503. */
  setDown(down: boolean): void
  /** Introspection answers by opaque token; unknown tokens are inactive (RFC 7662 §2.2). */
  readonly introspection: Map<string, Record<string, unknown>>
  close(): Promise<void>
}

function decodeForm(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '))
}

/** RFC 6749 §2.3.1: the id and secret are form-decoded after base64. */
function basicClient(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '')
  if (match === null) return undefined
  const [id, secret, ...rest] = atob(match[1]!).split(':')
  if (id === undefined || secret === undefined || rest.length > 0) return undefined
  return { id: decodeForm(id), secret: decodeForm(secret) }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

export async function startIssuer(): Promise<FakeIssuer> {
  let published: readonly TestKey[] = []
  const hits = { metadata: 0, jwks: 0, introspection: 0 }
  const introspection = new Map<string, Record<string, unknown>>()
  let issuer = ''
  let down = false

  const server = createServer(async (req, res) => {
    if (down) {
      sendJson(res, 503, { error: 'temporarily_unavailable' })
    } else if (req.method === 'GET' && req.url === '/.well-known/oauth-authorization-server') {
      hits.metadata++
      sendJson(res, 200, {
        issuer,
        jwks_uri: `${issuer}/jwks`,
        introspection_endpoint: `${issuer}/introspect`,
      })
    } else if (req.method === 'GET' && req.url === '/jwks') {
      hits.jwks++
      sendJson(res, 200, { keys: published.map((key) => key.publicJwk) })
    } else if (req.method === 'POST' && req.url === '/introspect') {
      hits.introspection++
      const client = basicClient(req.headers.authorization)
      const form = new URLSearchParams(await readBody(req))
      if (client?.id !== RESOURCE_SERVER.clientId || client.secret !== RESOURCE_SERVER.clientSecret) {
        sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="fake"' })
        return
      }
      sendJson(res, 200, introspection.get(form.get('token') ?? '') ?? { active: false })
    } else {
      sendJson(res, 404, { error: 'not_found' })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    issuer,
    hits,
    introspection,
    publish: (keys) => {
      published = keys
    },
    setDown: (value) => {
      down = value
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** RFC 9068 §2.2 claims for a token the test issuer would issue at `now`. */
export function accessTokenClaims(issuer: string, now: Date): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000)
  return {
    iss: issuer,
    sub: 'user-1',
    aud: AUDIENCE,
    client_id: 'client-1',
    scope: 'orders:read profile',
    iat,
    exp: iat + 600,
    jti: randomUUID(),
  }
}

/** Signs claims as an RFC 9068 access token; `header` overrides typ or kid (undefined removes typ). */
export function sign(
  key: TestKey,
  claims: Record<string, unknown>,
  header: { readonly typ?: string | undefined; readonly kid?: string } = {},
): Promise<string> {
  const protectedHeader = { alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...header } as JWTHeaderParameters
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(key.privateKey)
}

/** Any port that was just free and is now closed: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}
