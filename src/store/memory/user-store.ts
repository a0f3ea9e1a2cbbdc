import type { UserStore } from '../../core/ports/stores.ts'
import { deleteCascading, insert, rows } from './schema.ts'
import type { Scope } from './scope.ts'
import { constraintFailed, copy, found } from './tables.ts'

export function userStore(db: Scope): UserStore {
  return {
    create: (user) =>
      db.run((tables, journal) => {
        for (const other of tables.users.values()) {
          if (other.username === user.username) throw constraintFailed(`username "${user.username}" is taken`)
        }
        insert('users', user)(tables, journal)
      }),
    get: (id) => db.run(({ users }) => found(users, id)),
    getByUsername: (username) =>
      db.run(({ users }) => {
        for (const user of users.values()) if (user.username === username) return copy(user)
        return null
      }),
    list: () => db.run(rows('users')),
    recordExternal: (user) =>
      db.run((tables, journal) => {
        const known = tables.users.get(user.id)
        if (known === undefined) return insert('users', user)(tables, journal)
        journal.set(tables.users, user.id, { ...known, username: user.username })
      }),
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
    delete: (id) => db.run(deleteCascading('users', id)),
  }
}
