import { type BearerError, InsufficientScopeError, type IssuerError } from './errors.ts'

/** An HTTP answer as plain data; each framework adapter only copies it onto its reply. */
export interface ErrorResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

// RFC 6750 §3: attribute values exclude '"', '\' and control characters, so they need no escaping
const quoted = (value: string): string => `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '')}"`

const json = (value: Readonly<Record<string, string>>): string => JSON.stringify(value)

/** RFC 6750 §3: 401 with a bare challenge when no credentials came, else the error in WWW-Authenticate. */
export function challenge(realm: string, error?: BearerError): ErrorResponse {
  if (error === undefined) {
    // RFC 6750 §3.1: a request without credentials gets no error code
    return { status: 401, headers: { 'www-authenticate': `Bearer realm=${quoted(realm)}` }, body: '' }
  }
  const attributes = [
    `realm=${quoted(realm)}`,
    `error=${quoted(error.code)}`,
    `error_description=${quoted(error.description)}`,
  ]
  if (error instanceof InsufficientScopeError) attributes.push(`scope=${quoted(error.scope)}`)
  return {
    status: error.status,
    headers: { 'www-authenticate': `Bearer ${attributes.join(', ')}`, 'content-type': 'application/json' },
    body: json({ error: error.code, error_description: error.description }),
  }
}

/** The issuer failed: the caller's token may be fine, so no challenge, and no detail on the wire. */
export function unavailable(error: IssuerError): ErrorResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json' },
    body: json({ error: 'temporarily_unavailable', error_description: error.description }),
  }
}
