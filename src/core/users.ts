import type { Clock } from './clock.ts'
import type { User } from './model/user.ts'
import type { People } from './ports/people.ts'
import type { UserStore } from './ports/stores.ts'
import { hashPassword, verifyPassword } from './protocol/password.ts'
import { type Random, randomId } from './random.ts'

/** Usernames are what people type: printable, no spaces at the ends, at most 255 characters. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0 || username.length > 255) return 'A username has 1 to 255 characters.'
  if (username.trim() !== username) return 'A username does not start or end with a space.'
  if (/[\p{Cc}]/u.test(username)) return 'A username has no control characters.'
  return null
}

/** NIST SP 800-63B §5.1.1.2: at least 8 characters; no composition rules. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < 8) return 'A password has at least 8 characters.'
  if (password.length > 1024) return 'A password has at most 1024 characters.'
  return null
}

export async function newUser(
  username: string,
  password: string,
  deps: { clock: Clock; random: Random },
): Promise<User> {
  const problem = usernameProblem(username) ?? passwordProblem(password)
  if (problem) throw new Error(problem)
  return {
    id: randomId(deps.random),
    username,
    passwordHash: await hashPassword(password),
    createdAt: deps.clock.now(),
    claims: {},
  }
}

/** Keyward's own accounts (`keyward users`) as the people who sign in: argon2id passwords in the user store. */
export function storedPeople(users: UserStore): People {
  return {
    async verify(username, password) {
      // Longer usernames are never looked up: no account has one (usernameProblem).
      const user = username.length <= 255 ? await users.getByUsername(username) : null
      // Verified even when the username is unknown, so that a miss costs as long as a wrong password.
      const verified = await verifyPassword(password, user?.passwordHash ?? null)
      if (verified && user !== null) return { verified, person: user }
      return user === null ? { verified: false } : { verified: false, userId: user.id }
    },
    find: (id) => users.get(id),
    changePassword: async (id, password) => users.setPasswordHash(id, await hashPassword(password)),
    inUserStore: true,
  }
}

/** The password hash of a person whose account lives elsewhere: no argon2 string, so no password ever matches it. */
export const EXTERNAL_PASSWORD_HASH = '!external'

/**
 * The accounts of an embedding application as the people who sign in: each person who signs in is recorded in the
 * user store (`recordExternal`), which their sessions, grants and consents refer to.
 */
export function recordedPeople(people: People, users: UserStore, clock: Clock): People {
  // Their passwords are the application's: changed through it, if it says how.
  const changePassword = people.changePassword?.bind(people)
  return {
    async verify(username, password) {
      const verification = await people.verify(username, password)
      if (verification.verified) {
        const { id, username: name } = verification.person
        await users.recordExternal({
          id,
          username: name,
          passwordHash: EXTERNAL_PASSWORD_HASH,
          claims: verification.person.claims ?? {},
          createdAt: clock.now(),
        })
      }
      return verification
    },
    find: (id) => people.find(id),
    ...(changePassword && { changePassword }),
  }
}
