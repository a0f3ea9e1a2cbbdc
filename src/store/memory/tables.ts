import type { Client } from '../../core/model/client.ts'
import type { AuthorizationCode } from '../../core/model/code.ts'
import type { Consent } from '../../core/model/consent.ts'
import type { DeviceCode } from '../../core/model/device-code.ts'
import type { Grant } from '../../core/model/grant.ts'
import type { PushedRequest } from '../../core/model/pushed-request.ts'
import type { InitialAccessToken } from '../../core/model/initial-access-token.ts'
import type { Resource } from '../../core/model/resource.ts'
import type { Session } from '../../core/model/session.ts'
import type { SigningKey } from '../../core/model/signing-key.ts'
import type { AccessTokenRecord, RefreshToken } from '../../core/model/token.ts'
import type { User } from '../../core/model/user.ts'

/** A code with the time of its first redemption, which the port keeps to itself. */
export interface StoredCode {
  readonly code: AuthorizationCode
  readonly usedAt: Date | null
}

/** Every record of the memory store, one map per table of the SQL schema, keyed as its primary key. */
export interface Tables {
  readonly clients: Map<string, Client>
  readonly users: Map<string, User>
  readonly grants: Map<string, Grant>
  readonly codes: Map<string, StoredCode>
  readonly refreshTokens: Map<string, RefreshToken>
  readonly accessTokens: Map<string, AccessTokenRecord>
  /** Keyed by consentKey(userId, clientId). */
  readonly consents: Map<string, Consent>
  readonly sessions: Map<string, Session>
  readonly deviceCodes: Map<string, DeviceCode>
  readonly keys: Map<string, SigningKey>
  /** Username → when it was last unlocked. */
  readonly signInUnlocks: Map<string, Date>
  readonly pushedRequests: Map<string, PushedRequest>
  readonly initialAccessTokens: Map<string, InitialAccessToken>
  /** Keyed by identifier. */
  readonly resources: Map<string, Resource>
}

export function emptyTables(): Tables {
  return {
    clients: new Map(),
    users: new Map(),
    grants: new Map(),
    codes: new Map(),
    refreshTokens: new Map(),
    accessTokens: new Map(),
    consents: new Map(),
    sessions: new Map(),
    deviceCodes: new Map(),
    keys: new Map(),
    signInUnlocks: new Map(),
    pushedRequests: new Map(),
    initialAccessTokens: new Map(),
    resources: new Map(),
  }
}

// A NUL cannot occur in an id, so the pair cannot be mistaken for another.
export const consentKey = (userId: string, clientId: string): string => `${userId}\u0000${clientId}`

/** A deep copy: what is stored and what callers hold never share an object, a list or a Date. */
export const copy: <T>(value: T) => T = structuredClone

/** The stored record under `key` as a copy of its own, or null. */
export function found<K, V>(table: ReadonlyMap<K, V>, key: K): V | null {
  const value = table.get(key)
  return value === undefined ? null : copy(value)
}

/** A failed constraint, worded like the database's so that a caller cannot tell the stores apart by it. */
export function constraintFailed(what: string): Error {
  return new Error(`constraint failed: ${what}`)
}

/** Refuses a row whose reference points at nothing (the schema's REFERENCES). */
export function mustExist(table: ReadonlyMap<string, unknown>, key: string | null, what: string): void {
  if (key !== null && !table.has(key)) throw constraintFailed(`${what} "${key}" does not exist`)
}

/** Refuses a second row with the same key (the schema's PRIMARY KEY and UNIQUE). */
export function mustBeNew(table: ReadonlyMap<string, unknown>, key: string, what: string): void {
  if (table.has(key)) throw constraintFailed(`${what} "${key}" exists already`)
}
