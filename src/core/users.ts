import type { Clock } from './clock.ts'
import type { User } from './model/user.ts'
import { hashPassword } from './protocol/password.ts'
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
  }
}
