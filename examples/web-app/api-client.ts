import { isLoopback } from './authorization-server.ts'

// What the API answered to one call, as the page shows it; never the token that was sent.
export type ApiAnswer =
  | {
      readonly kind: 'answered'
      readonly status: number
      // RFC 6750 §3: why the API refused the token (invalid_token, insufficient_scope and the scope it needs).
      readonly challenge: string | undefined
      readonly body: unknown
    }
  | { readonly kind: 'unreachable'; readonly reason: string }

export interface ApiCall {
  readonly method: 'GET'
  readonly path: string
  readonly answer: ApiAnswer
}

// The calls the signed-in page makes: one per scope the demo asks for.
export const API_PATHS = ['/profile', '/notes'] as const

const TIMEOUT_MS = 5_000
const MAX_SHOWN_CHARACTERS = 10_000

// RFC 6750 §5.3: a bearer token travels only over TLS; plain http only to this machine (the local demo).
export function apiBaseUrl(text: string): URL {
  const url = new URL(text)
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return url
  throw new Error(`the API must be https (plain http only on a loopback address): ${url.href}`)
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text.slice(0, MAX_SHOWN_CHARACTERS)
  }
}

// Called from this app's server: the access token goes from here to the API and never to the browser.
export async function callApi(base: URL, path: string, accessToken: string): Promise<ApiCall> {
  const target = new URL(`${base.href.replace(/\/+$/, '')}${path}`)
  try {
    const response = await fetch(target, {
      // RFC 6750 §2.1: the token in the Authorization header, never in the URL.
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      // A redirect is shown, not followed: the token must reach no other address.
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    const text = await response.text()
    return {
      method: 'GET',
      path,
      answer: {
        kind: 'answered',
        status: response.status,
        challenge: response.headers.get('www-authenticate') ?? undefined,
        body: text === '' ? undefined : parse(text),
      },
    }
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? 'it did not answer in time'
        : 'it could not be reached'
    return { method: 'GET', path, answer: { kind: 'unreachable', reason } }
  }
}
