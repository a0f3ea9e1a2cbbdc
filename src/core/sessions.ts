import type { CoreContext } from './context.ts'
import type { Session } from './model/session.ts'
import type { User } from './model/user.ts'
import { digest } from './protocol/digest.ts'
import { verifyPassword } from './protocol/password.ts'
import { randomToken } from './random.ts'

type SessionDeps = Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random'>

/** What a person typed to sign in, and where it came from (the first untrusted hop). */
export interface SignIn {
  readonly username: string
  readonly password: string
  readonly address: string
}

/** Failed attempts per username before it is locked for the rest of the window (login form and password grant). */
export const MAX_PASSWORD_FAILURES = 5
export const PASSWORD_LOCK_WINDOW_SECONDS = 15 * 60

/**
 * Checks a username and password. Unknown users cost as much as wrong passwords, and a locked username fails
 * like a wrong password, so nothing tells them apart; guessing is throttled per username.
 */
export async function authenticateUser(
  { username, password }: SignIn,
  ctx: Pick<CoreContext, 'stores' | 'throttle'>,
): Promise<User | null> {
  const throttleKey = `password:${username.toLowerCase()}`
  // Counted before the check, in one atomic step: guesses sent at once cannot all pass a count read earlier.
  const attempts = await ctx.throttle.hit(throttleKey, PASSWORD_LOCK_WINDOW_SECONDS)
  if (attempts > MAX_PASSWORD_FAILURES) return null
  const user = username.length <= 255 ? await ctx.stores.users.getByUsername(username) : null
  if (await verifyPassword(password, user?.passwordHash ?? null)) {
    await ctx.throttle.reset(throttleKey)
    return user
  }
  return null
}

/** Starts a login session; the returned id goes into the cookie, only its digest into the store. */
export async function startSession(
  userId: string,
  ctx: SessionDeps,
): Promise<{ id: string; session: Session }> {
  const id = randomToken(ctx.random)
  const now = ctx.clock.now()
  const session: Session = {
    digest: digest(id),
    userId,
    authTime: now,
    expiresAt: new Date(now.getTime() + ctx.config.lifetimes.session * 1000),
  }
  await ctx.stores.sessions.create(session)
  return { id, session }
}

/** The live session behind a cookie value, or null. */
export async function findSession(id: string | undefined, ctx: SessionDeps): Promise<Session | null> {
  if (id === undefined || id.length > 100) return null
  const session = await ctx.stores.sessions.get(digest(id))
  return session !== null && session.expiresAt > ctx.clock.now() ? session : null
}
