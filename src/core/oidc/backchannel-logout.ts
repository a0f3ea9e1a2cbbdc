import { epochSeconds } from '../clock.ts'
import type { CoreContext } from '../context.ts'
import type { Client } from '../model/client.ts'
import type { Session } from '../model/session.ts'
import type { LogoutNotice } from '../ports/logout-notifier.ts'
import { randomId } from '../random.ts'
import { signJwt } from '../tokens/jwt.ts'
import type { KeyRing } from '../tokens/signing-keys.ts'
import { OPENID_SCOPE } from './claims.ts'
import { subjectFor } from './subject.ts'

/** Back-Channel Logout 1.0 §2.4: the event that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
/** §2.4: explicit typing keeps a logout token from passing for an ID token, and the reverse. */
export const LOGOUT_TOKEN_TYPE = 'logout+jwt'
/** §2.4: a logout token is used at once; two minutes covers clock skew and a retry. */
const LOGOUT_TOKEN_LIFETIME = 120

/** What logout tokens take; of the keys only the ID token key, which a command may open only when it signs. */
export type NoticeDeps = Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random'> & {
  readonly keys: Pick<KeyRing, 'idTokenKey'>
}

/** The clients that received an ID token in the session (a grant with openid begun in it), once each. */
async function clientsSignedInThrough(session: Session, deps: NoticeDeps): Promise<Client[]> {
  const grants = await deps.stores.grants.listByUser(session.userId)
  const clientIds = new Set(
    grants
      .filter((grant) => grant.sid === session.sid && grant.scope.includes(OPENID_SCOPE))
      .map((grant) => grant.clientId),
  )
  const clients = await Promise.all([...clientIds].map((id) => deps.stores.clients.get(id)))
  return clients.filter((client): client is Client => client !== null)
}

/**
 * Back-Channel Logout 1.0 §2.4: the logout tokens for the sessions that ended, one per client that registered a
 * back-channel logout URI and got an ID token in one of them. Each names the person (`sub`, as in the ID token)
 * and the session (`sid`, which every Keyward ID token from a browser carries, so `backchannel_logout_session_required`
 * is always met), and carries no nonce (§2.4 forbids one). Signed like ID tokens, which the client already verifies.
 */
export async function logoutNotices(sessions: readonly Session[], deps: NoticeDeps): Promise<LogoutNotice[]> {
  const notices: LogoutNotice[] = []
  for (const session of sessions) {
    for (const client of await clientsSignedInThrough(session, deps)) {
      if (client.backchannelLogoutUri === null) continue
      const issuedAt = epochSeconds(deps.clock)
      const claims = {
        iss: deps.config.issuer,
        // The person as the client's ID tokens named them (OpenID Connect Core §8).
        sub: subjectFor(client, session.userId, deps.config.secret),
        aud: client.id,
        iat: issuedAt,
        exp: issuedAt + LOGOUT_TOKEN_LIFETIME,
        jti: randomId(deps.random),
        sid: session.sid,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      }
      const logoutToken = signJwt(
        claims,
        await deps.keys.idTokenKey(client.idTokenSignedResponseAlg),
        LOGOUT_TOKEN_TYPE,
      )
      notices.push({ clientId: client.id, uri: client.backchannelLogoutUri, logoutToken })
    }
  }
  return notices
}

/** Tells every client signed in through these sessions that they ended; the delivery goes on in the background. */
export async function notifySessionsEnded(
  sessions: readonly Session[],
  deps: NoticeDeps & Pick<CoreContext, 'logoutNotifier'>,
): Promise<void> {
  const notices = await logoutNotices(sessions, deps)
  if (notices.length > 0) deps.logoutNotifier.notify(notices)
}
