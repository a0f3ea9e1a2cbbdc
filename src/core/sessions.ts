import type { CoreContext } from './context.ts'
import type { StartedSession } from './model/endpoint-result.ts'
import type { Session } from './model/session.ts'
import { type NoticeDeps, notifySessionsEnded } from './oidc/backchannel-logout.ts'
import { digest } from './protocol/digest.ts'
import { randomToken } from './random.ts'

type SessionDeps = Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random'>
/** Ending sessions: the stores, the event, and the back-channel logout tokens of the clients signed in through them. */
type EndingDeps = NoticeDeps & Pick<CoreContext, 'events' | 'logoutNotifier'>

/**
 * Starts a login session: the cookie (its id goes into the browser, only its digest into the store) and the
 * session as stored, whose `sid` and authentication time ID tokens carry.
 */
export async function startSession(
  userId: string,
  ctx: SessionDeps,
): Promise<{ cookie: StartedSession; session: Session }> {
  const id = randomToken(ctx.random)
  const now = ctx.clock.now()
  const session: Session = {
    digest: digest(id),
    userId,
    authTime: now,
    expiresAt: new Date(now.getTime() + ctx.config.lifetimes.session * 1000),
    sid: randomToken(ctx.random, 16),
  }
  await ctx.stores.sessions.create(session)
  return { cookie: { id, maxAgeSeconds: ctx.config.lifetimes.session }, session }
}

/** The live session behind a cookie value, or null. */
export async function findSession(id: string | undefined, ctx: SessionDeps): Promise<Session | null> {
  if (id === undefined || id.length > 100) return null
  const session = await ctx.stores.sessions.get(digest(id))
  return session !== null && session.expiresAt > ctx.clock.now() ? session : null
}

/** A person's sessions that have not expired, oldest first as the store lists them. */
export async function liveSessionsOf(
  userId: string,
  ctx: Pick<CoreContext, 'stores' | 'clock'>,
): Promise<readonly Session[]> {
  const now = ctx.clock.now()
  return (await ctx.stores.sessions.listByUser(userId)).filter((session) => session.expiresAt > now)
}

/**
 * Ends one session: the browser holding its cookie is signed out at its next request. `reason` says who ended it
 * and why (the event's reason): the person, an operator, a password change.
 */
export async function endSession(session: Session, reason: string, ctx: EndingDeps): Promise<void> {
  await ctx.stores.sessions.delete(session.digest)
  ctx.events.emit({ event: 'sessions_revoked', userId: session.userId, reason })
  // Back-Channel Logout 1.0 §2.5: the clients signed in through it are told.
  await notifySessionsEnded([session], ctx)
}

/**
 * Ends every session of a person, except `keep` when given (the browser that asked stays signed in); returns
 * how many ended. Applications keep their grants: a session is only the browser's sign-in.
 */
export async function endSessionsOf(
  userId: string,
  keep: Session | null,
  reason: string,
  ctx: EndingDeps,
): Promise<number> {
  const now = ctx.clock.now()
  const others = (await ctx.stores.sessions.listByUser(userId)).filter((s) => s.digest !== keep?.digest)
  let ended: number
  if (keep === null) ended = await ctx.stores.sessions.deleteByUser(userId)
  else {
    for (const session of others) await ctx.stores.sessions.delete(session.digest)
    ended = others.length
  }
  ctx.events.emit({ event: 'sessions_revoked', userId, reason })
  // Back-Channel Logout 1.0 §2.5: the clients signed in through a live one are told.
  await notifySessionsEnded(
    others.filter((session) => session.expiresAt > now),
    ctx,
  )
  return ended
}
