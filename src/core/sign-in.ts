import type { CoreContext } from './context.ts'
import type { Person } from './ports/people.ts'
import type { ThrottlePolicy } from './ports/throttle.ts'
import { attemptSource } from './protocol/address.ts'
import { digest } from './protocol/digest.ts'
import { TemporarilyUnavailable, TooManyRequests } from './errors.ts'
import { tooManyAttempts } from './refusal.ts'

/** What a person typed to sign in, and where it came from (the first untrusted hop). */
export interface SignIn {
  readonly username: string
  readonly password: string
  readonly address: string
}

/**
 * Wrong passwords for one username from one address (README, Security notes): five at once, then a wait of a
 * minute that doubles with each further one, up to an hour; forgotten an hour after the last. Only that pair
 * waits, so guessing someone's password elsewhere never keeps them out.
 */
export const SIGN_IN_PAIR_POLICY: ThrottlePolicy = {
  limit: 5,
  windowSeconds: 60 * 60,
  backoff: { firstSeconds: 60, maxSeconds: 60 * 60 },
}

/** Wrong passwords from one address, whatever the username: what stops spraying one password over many names. */
export const SIGN_IN_SOURCE_POLICY: ThrottlePolicy = { limit: 100, windowSeconds: 60 * 60 }

/** Longer usernames are never looked up (nor logged whole): no account has one. */
const MAX_USERNAME_LENGTH = 255

const REFUSED = 'Too many failed sign-ins.'

/**
 * The throttle keys of a sign-in: the username with the address, and the address alone. An operator's unlock
 * (keyward users unlock) moves the username's counts to new keys, leaving the older waits behind.
 */
export function signInKeys(username: string, address: string, unlockedAt: Date | null) {
  const source = attemptSource(address)
  return {
    pair: `sign-in:pair:${digest(`${unlockedAt?.getTime() ?? 0} ${source} ${username.toLowerCase()}`)}`,
    source: `sign-in:source:${source}`,
  }
}

/**
 * Checks a username and password (login form, device login and password grant alike). Unknown users cost as
 * much as wrong passwords and are counted the same, so neither the answer, its time nor a wait tells whether a
 * username exists. Throws TooManyRequests while the attempt must wait.
 */
export async function authenticateUser(
  { username, password, address }: SignIn,
  ctx: Pick<CoreContext, 'stores' | 'people' | 'throttle' | 'events'>,
): Promise<Person | null> {
  const lookedUp = username.length <= MAX_USERNAME_LENGTH
  const event = { address, username: username.slice(0, MAX_USERNAME_LENGTH) }
  const unlockedAt = lookedUp ? await ctx.stores.signInUnlocks.lastUnlock(username.toLowerCase()) : null
  const { pair: pairKey, source: sourceKey } = signInKeys(username, address, unlockedAt)

  // Charged before the check, each in one atomic step: guesses sent at once cannot all pass a count read earlier.
  const pair = await ctx.throttle.take(pairKey, SIGN_IN_PAIR_POLICY)
  if (!pair.allowed) {
    ctx.events.emit({ event: 'sign_in_throttled', ...event, reason: 'username_and_address' })
    throw tooManyAttempts(REFUSED, pair.retryAfterSeconds)
  }
  const budget = await ctx.throttle.take(sourceKey, SIGN_IN_SOURCE_POLICY)
  if (!budget.allowed) {
    await ctx.throttle.refund(pairKey)
    ctx.events.emit({ event: 'sign_in_throttled', ...event, reason: 'address' })
    throw tooManyAttempts(REFUSED, budget.retryAfterSeconds)
  }

  const verification = await ctx.people.verify(username, password)
  if (verification.verified) {
    // A right password costs nothing: the pair's failures are forgotten, the address's stay counted.
    await Promise.all([ctx.throttle.reset(pairKey), ctx.throttle.refund(sourceKey)])
    ctx.events.emit({ event: 'sign_in_succeeded', ...event, userId: verification.person.id })
    return verification.person
  }
  const { userId } = verification
  ctx.events.emit({ event: 'sign_in_failed', ...event, ...(userId === undefined ? {} : { userId }) })
  return null
}

/**
 * authenticateUser for a sign-in form: an attempt refused before the password is checked (429, or 503 while
 * attempts cannot be counted) is returned, so that the person stays on the form and is told to wait.
 */
export async function signInOrRefusal(
  signIn: SignIn,
  ctx: Pick<CoreContext, 'stores' | 'people' | 'throttle' | 'events'>,
): Promise<Person | null | TooManyRequests | TemporarilyUnavailable> {
  try {
    return await authenticateUser(signIn, ctx)
  } catch (error) {
    if (error instanceof TooManyRequests || error instanceof TemporarilyUnavailable) return error
    throw error
  }
}
