import type { CoreContext } from '../context.ts'
import { InvalidRequest } from '../errors.ts'
import type { StandardClaims } from '../model/person-claims.ts'
import type { User } from '../model/user.ts'
import { type NoticeDeps, notifySessionsEnded } from '../oidc/backchannel-logout.ts'
import { type ClaimChanges, changeClaims } from '../oidc/person-claims.ts'
import type { Stores } from '../ports/stores.ts'
import { hashPassword } from '../protocol/password.ts'
import { endSessionsOf, liveSessionsOf } from '../sessions.ts'
import { newUser, passwordProblem } from '../users.ts'
import { BY_OPERATOR, grantRevoked, revokeGrantsOf } from './grants.ts'

/** The reason on what a password change ends: the grants it revokes and the events. */
const PASSWORD_CHANGED = 'password_changed'

/** What a password change leaves in place; nothing unless asked. */
export interface PasswordChangeKeeps {
  /** Browsers signed in stay signed in. */
  readonly sessions?: boolean
  /** Applications keep their grants and tokens. */
  readonly tokens?: boolean
}

/** What a password change ended: sessions, and grants revoked with their tokens. */
export interface EndedAccess {
  readonly sessions: number
  readonly grants: number
}

/** What ending a person's sessions needs: the stores, and the keys and delivery of back-channel logout tokens. */
type SessionEndingDeps = NoticeDeps & Pick<CoreContext, 'events' | 'logoutNotifier'>

/**
 * Sets a person's new password. Whoever knew the old one may be signed in or hold tokens, so unless told to keep
 * them the change ends every session (each browser signs in again, and the clients signed in through a live one
 * are told over the back channel) and revokes every grant with its tokens, the codes not yet redeemed and the
 * device approvals not yet collected, all in one transaction. Null when there is no such user.
 */
export async function changePassword(
  userId: string,
  password: string,
  keep: PasswordChangeKeeps,
  ctx: SessionEndingDeps,
): Promise<EndedAccess | null> {
  const problem = passwordProblem(password)
  if (problem) throw new Error(problem)
  // Hashed before the transaction: argon2id takes its time, and a transaction should not.
  const passwordHash = await hashPassword(password)
  const now = ctx.clock.now()
  const ended = await ctx.stores.transaction(async (tx) => {
    if (!(await tx.users.setPasswordHash(userId, passwordHash))) return null
    const live = keep.sessions ? [] : await liveSessionsOf(userId, { stores: tx, clock: ctx.clock })
    return {
      live,
      sessions: keep.sessions ? 0 : await tx.sessions.deleteByUser(userId),
      grants: keep.tokens ? [] : await endApplicationAccess(tx, userId, now),
    }
  })
  if (ended === null) return null
  ctx.events.emit({ event: 'password_changed', userId })
  if (!keep.sessions) ctx.events.emit({ event: 'sessions_revoked', userId, reason: PASSWORD_CHANGED })
  for (const grant of ended.grants) ctx.events.emit(grantRevoked(grant, PASSWORD_CHANGED))
  await notifySessionsEnded(ended.live, ctx)
  return { sessions: ended.sessions, grants: ended.grants.length }
}

/** Revokes the user's grants, and what would become one: codes not yet redeemed, approved devices not yet polled. */
async function endApplicationAccess(tx: Stores, userId: string, at: Date) {
  await tx.codes.deleteUnusedByUser(userId)
  await tx.deviceCodes.denyApprovedByUser(userId)
  return revokeGrantsOf(tx, userId, at, PASSWORD_CHANGED)
}

/**
 * An operator changes what OpenID Connect says about a person (Core §5.1), validated by changeClaims (which
 * refuses with invalid_request). Null when there is no such user; the user as they are now otherwise. A change is
 * a user_updated event; a call that changes nothing is none.
 */
export async function changeUserClaims(
  userId: string,
  changes: ClaimChanges,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'events'>,
): Promise<User | null> {
  const changed = await ctx.stores.transaction(async (tx) => {
    const user = await tx.users.get(userId)
    if (user === null) return null
    const claims = changeClaims(user.claims, changes, ctx.clock.now())
    // changeClaims keeps the claims as they were, updated_at included, when nothing changed.
    if (JSON.stringify(claims) === JSON.stringify(user.claims)) return { user, changed: false }
    await tx.users.setClaims(userId, claims)
    return { user: { ...user, claims }, changed: true }
  })
  if (changed?.changed) ctx.events.emit({ event: 'user_updated', userId })
  return changed?.user ?? null
}

/**
 * An operator ends every session of a person: each browser signs in again; applications keep their grants, and
 * those signed in through a live session are told over the back channel (Back-Channel Logout 1.0 §2.5).
 */
export function endSessions(userId: string, ctx: SessionEndingDeps): Promise<number> {
  return endSessionsOf(userId, null, BY_OPERATOR, ctx)
}

/**
 * An operator ends the sign-in waits on a person's username, at every address and on every node: sign-in reads
 * the unlock at each attempt (src/core/sign-in.ts), so the username's counts start over. Address budgets stay.
 */
export async function unlockSignIn(
  user: User,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'events'>,
): Promise<void> {
  await ctx.stores.signInUnlocks.unlock(user.username.toLowerCase(), ctx.clock.now())
  ctx.events.emit({ event: 'user_unlocked', userId: user.id, reason: BY_OPERATOR })
}

/**
 * Creates a person's account with their password (argon2id) and OpenID Connect claims. Refused with
 * invalid_request when the username or password breaks a rule, and with status 409 when the username is taken.
 */
export async function createUser(
  username: string,
  password: string,
  claims: StandardClaims,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'random' | 'events'>,
): Promise<User> {
  if ((await ctx.stores.users.getByUsername(username)) !== null) {
    throw new InvalidRequest(`The user ${username} exists already.`).withStatus(409)
  }
  const user = await newUser(username, password, ctx).catch((error: Error) => {
    throw new InvalidRequest(error.message)
  })
  await ctx.stores.users.create({ ...user, claims })
  ctx.events.emit({ event: 'user_created', userId: user.id })
  return { ...user, claims }
}

/** Deletes a person's account with their sessions, grants, tokens and consents; false when there is none. */
export async function deleteUser(
  userId: string,
  ctx: Pick<CoreContext, 'stores' | 'events'>,
): Promise<boolean> {
  const deleted = await ctx.stores.users.delete(userId)
  if (deleted) ctx.events.emit({ event: 'user_deleted', userId })
  return deleted
}
