import type { UserStore } from '../../core/ports/stores.ts'
import { deleteUser } from './cascade.ts'
import { ordered, type Scope } from './scope.ts'
import { constraintFailed, copy, found, mustBeNew } from './tables.ts'

export function userStore(db: Scope): UserStore {
  return {
    create: (user) =>
      db.run(({ users }, journal) => {
        mustBeNew(users, user.id, 'user')
        for (const other of users.values()) {
          if (other.username === user.username) throw constraintFailed(`username "${user.username}" is taken`)
        }
        journal.set(users, user.id, user)
      }),
    get: (id) => db.run(({ users }) => found(users, id)),
    getByUsername: (username) =>
      db.run(({ users }) => {
        for (const user of users.values()) if (user.username === username) return copy(user)
        return null
      }),
    list: () => db.run(({ users }) => ordered(users.values(), (user) => user.username)),
    setPasswordHash: (id, passwordHash) =>
      db.run(({ users }, journal) => {
        const user = users.get(id)
        if (!user) return false
        journal.set(users, id, { ...user, passwordHash })
        return true
      }),
    setClaims: (id, claims) =>
      db.run(({ users }, journal) => {
        const user = users.get(id)
        if (!user) return false
        journal.set(users, id, { ...user, claims: copy(claims) })
        return true
      }),
    delete: (id) => db.run((tables, journal) => deleteUser(tables, journal, id)),
  }
}
