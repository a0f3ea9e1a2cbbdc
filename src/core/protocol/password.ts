// The argon2 addon (a native library) is loaded at the first password hashed or checked, not when the server
// starts: a server whose people sign in elsewhere never needs it (issue #14).
const argon2 = () => import('@node-rs/argon2')

// argon2id with the parameters OWASP recommends as a baseline (m=19 MiB, t=2, p=1).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await argon2()
  return hash(password, OPTIONS)
}

// Verified when the username is unknown, so that a miss costs as long as a wrong password (no user enumeration).
const UNKNOWN_USER_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$i56a0FCIhQpMarP3IPyP9Q$dIL0gvJXcY5ZqKTtz/kfS1xSqCBjiNLEG4e3fI4E35I'

export async function verifyPassword(password: string, passwordHash: string | null): Promise<boolean> {
  const { verify } = await argon2()
  try {
    const ok = await verify(passwordHash ?? UNKNOWN_USER_HASH, password)
    return ok && passwordHash !== null
  } catch {
    return false
  }
}
