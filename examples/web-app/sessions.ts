import { randomBytes } from 'node:crypto'

export interface Tokens {
  readonly accessToken: string
  readonly tokenType: string
  readonly expiresIn?: number
  readonly scope?: string
  readonly refreshToken?: string
}

/** Who signed in, from the ID token the client library validated and the UserInfo endpoint (OpenID Connect). */
export interface Person {
  readonly subject: string
  readonly name: string
  readonly email?: string
}

// A session is either a sign-in in progress (what the callback must match) or a signed-in user's tokens.
export type Session =
  | {
      readonly kind: 'pending'
      readonly state: string
      readonly codeVerifier: string
      /** Sent only when the app asks for openid, to be found again in the ID token. */
      readonly nonce?: string
    }
  | {
      readonly kind: 'signed-in'
      readonly tokens: Tokens
      /** With openid: the person, and the ID token to name them in the logout request (id_token_hint). */
      readonly person?: Person
      readonly idToken?: string
    }

// Sessions are never updated in place: every change gets a new id, so an id seen before sign-in is worthless after.
export interface SessionStore {
  create(session: Session): string
  get(id: string): Session | undefined
  delete(id: string): void
}

// Anyone can start a sign-in and so create a session; the cap keeps an in-memory example from growing without bound.
const MAX_SESSIONS = 10_000

export function createSessionStore(): SessionStore {
  const sessions = new Map<string, Session>()
  return {
    create(session) {
      const oldest = sessions.keys().next()
      if (sessions.size >= MAX_SESSIONS && oldest.done !== true) sessions.delete(oldest.value)
      const id = randomBytes(32).toString('base64url')
      sessions.set(id, session)
      return id
    },
    get: (id) => sessions.get(id),
    delete(id) {
      sessions.delete(id)
    },
  }
}
