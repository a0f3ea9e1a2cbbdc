import type { DeviceCodeStore } from '../../core/ports/stores.ts'
import { deleteWhere, type Scope, updateWhere } from './scope.ts'
import { insert } from './schema.ts'
import { constraintFailed, copy, found, mustExist, type Tables } from './tables.ts'

const byUserCode = ({ deviceCodes }: Tables, userCodeDigest: string) => {
  for (const code of deviceCodes.values()) if (code.userCodeDigest === userCodeDigest) return code
  return undefined
}

export function deviceCodeStore(db: Scope): DeviceCodeStore {
  return {
    create: (code) =>
      db.run((tables, journal) => {
        if (byUserCode(tables, code.userCodeDigest)) throw constraintFailed('the user code is taken')
        insert('deviceCodes', code)(tables, journal)
      }),
    getByDeviceCode: (deviceCodeDigest) => db.run(({ deviceCodes }) => found(deviceCodes, deviceCodeDigest)),
    getByUserCode: (userCodeDigest) =>
      db.run((tables) => {
        const code = byUserCode(tables, userCodeDigest)
        return code ? copy(code) : null
      }),
    recordPoll: (deviceCodeDigest, at, interval) =>
      db.run(({ deviceCodes }, journal) => {
        const code = deviceCodes.get(deviceCodeDigest)
        if (code) journal.set(deviceCodes, deviceCodeDigest, { ...code, lastPolledAt: at, interval })
      }),
    decide: (userCodeDigest, status, userId, signIn = { authTime: null, sid: null }) =>
      db.run((tables, journal) => {
        const code = byUserCode(tables, userCodeDigest)
        if (!code || code.status !== 'pending') return false
        mustExist(tables.users, userId, 'user')
        journal.set(tables.deviceCodes, code.deviceCodeDigest, { ...code, status, userId, ...signIn })
        return true
      }),
    // RFC 8628 §3.5: one approval yields one set of tokens. A code not consumed by this call comes back as
    // 'reused' with its status, which says whether it was consumed already or is still pending or denied.
    consume: (deviceCodeDigest) =>
      db.run(({ deviceCodes }, journal) => {
        const code = deviceCodes.get(deviceCodeDigest)
        if (!code) return { kind: 'missing' } as const
        if (code.status !== 'approved') return { kind: 'reused', record: copy(code) } as const
        const consumed = { ...code, status: 'consumed' as const }
        journal.set(deviceCodes, deviceCodeDigest, consumed)
        return { kind: 'ok', record: copy(consumed) } as const
      }),
    denyApprovedByUser: (userId, clientId) =>
      db.run(({ deviceCodes }, journal) =>
        updateWhere(
          journal,
          deviceCodes,
          (code) =>
            code.userId === userId &&
            code.status === 'approved' &&
            (clientId === undefined || code.clientId === clientId),
          (code) => ({ ...code, status: 'denied' as const }),
        ),
      ),
    deleteExpired: (before) =>
      db.run(({ deviceCodes }, journal) =>
        deleteWhere(journal, deviceCodes, (code) => code.expiresAt.getTime() < before.getTime()),
      ),
  }
}
