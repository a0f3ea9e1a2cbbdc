import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose'
import type { DocumentSite } from './document-site.ts'

let receivers = 0

/**
 * A relying party's back-channel logout endpoint (Back-Channel Logout 1.0 §2.5) at a path of its own on `site`, an
 * https site whose certificate Keyward trusts only through code (`trustedCertificates`, or the `ca` of a test's
 * outbound fetch): it records each logout token posted to it and answers the next status of `statuses` (200 once
 * they run out), or, when `hold`, only once `release()` is called. `received(n)` resolves when n tokens have come.
 */
export function startBackchannelReceiver(
  site: DocumentSite,
  statuses: number[] = [],
  options: { hold?: boolean } = {},
) {
  receivers += 1
  const path = `/backchannel-logout/${receivers}`
  const tokens: string[] = []
  const waiting: { count: number; resolve: () => void }[] = []
  let released = !options.hold
  const held: (() => void)[] = []
  site.route(path, (request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      const form = new URLSearchParams(body)
      const token =
        request.headers['content-type'] === 'application/x-www-form-urlencoded' && form.get('logout_token')
      if (request.method === 'POST' && token) tokens.push(token)
      const answer = () => response.writeHead(statuses.shift() ?? 200).end()
      if (released) answer()
      else held.push(answer)
      for (const wait of waiting.filter((entry) => tokens.length >= entry.count)) wait.resolve()
    })
  })
  return {
    uri: site.url(path),
    tokens,
    release() {
      released = true
      for (const answer of held.splice(0)) answer()
    },
    received: (count: number) =>
      tokens.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
  }
}

/**
 * Validates a logout token as Back-Channel Logout 1.0 §2.6 tells a relying party to: signed by the issuer's
 * published key, `typ` logout+jwt, for this client, with the logout event, a sid or sub, and no nonce.
 */
export async function verifyLogoutToken(
  token: string,
  issuer: string,
  clientId: string,
): Promise<JWTPayload> {
  const jwks = (await (await fetch(`${issuer}/jwks.json`)).json()) as Parameters<typeof createLocalJWKSet>[0]
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer,
    audience: clientId,
    typ: 'logout+jwt',
    requiredClaims: ['iat', 'jti', 'events'],
    maxTokenAge: '2 minutes',
  })
  const events = payload.events as Record<string, unknown>
  if (typeof events['http://schemas.openid.net/event/backchannel-logout'] !== 'object') {
    throw new Error('the logout token has no back-channel logout event')
  }
  if ('nonce' in payload) throw new Error('a logout token must not carry a nonce (§2.4)')
  return payload
}
