import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { People, Person } from '../../src/index.ts'

// The host application's own accounts, with its own password hashing (scrypt here). Keyward never reads them: it
// asks through the People interface, and keeps only the account's id as the `sub` of the tokens it issues.

const hashOf = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>

interface Account extends Person {
  readonly displayName: string
  readonly salt: Buffer
  readonly hash: Buffer
}

export interface AccountInput {
  readonly id: string
  readonly username: string
  readonly displayName: string
  readonly password: string
}

export interface Accounts extends People {
  displayName(id: string): string | undefined
}

export async function accountsOf(inputs: readonly AccountInput[]): Promise<Accounts> {
  const byUsername = new Map<string, Account>()
  for (const { password, ...account } of inputs) {
    const salt = randomBytes(16)
    byUsername.set(account.username, { ...account, salt, hash: await hashOf(password, salt, 32) })
  }
  const byId = new Map([...byUsername.values()].map((account) => [account.id, account]))
  // Checked against for unknown usernames, so that a miss takes as long as a wrong password.
  const nobody = { salt: randomBytes(16), hash: randomBytes(32) }
  const person = ({ id, username }: Account): Person => ({ id, username })
  return {
    async verify(username, password) {
      const account = byUsername.get(username)
      const { salt, hash } = account ?? nobody
      const matches = timingSafeEqual(await hashOf(password, salt, 32), hash)
      if (account === undefined) return { verified: false }
      return matches ? { verified: true, person: person(account) } : { verified: false, userId: account.id }
    },
    find: async (id) => {
      const account = byId.get(id)
      return account === undefined ? null : person(account)
    },
    displayName: (id) => byId.get(id)?.displayName,
  }
}
