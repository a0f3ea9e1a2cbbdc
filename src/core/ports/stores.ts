import type { Client } from '../model/client.ts'
import type { AuthorizationCode } from '../model/code.ts'
import type { Consent } from '../model/consent.ts'
import type { DeviceCode } from '../model/device-code.ts'
import type { Grant } from '../model/grant.ts'
import type { InitialAccessToken } from '../model/initial-access-token.ts'
import type { Resource } from '../model/resource.ts'
import type { StandardClaims } from '../model/person-claims.ts'
import type { PushedRequest } from '../model/pushed-request.ts'
import type { Session } from '../model/session.ts'
import type { SigningKey } from '../model/signing-key.ts'
import type { AccessTokenRecord, IssuedTokens, RefreshToken } from '../model/token.ts'
import type { User } from '../model/user.ts'
import type { Digest } from '../protocol/digest.ts'

// One port per aggregate. Implementations live in src/store and all pass test/store/contract.ts.
// Methods that look a record up return null when it is absent; they never throw for "not found".

/** The outcome of redeeming something single-use: first use, a later use (reuse), or nothing there. */
export type ConsumeResult<T> =
  | { readonly kind: 'ok'; readonly record: T }
  | { readonly kind: 'reused'; readonly record: T }
  | { readonly kind: 'missing' }

/** A refresh token exchanged for its successors, by `rotateRefreshToken`. */
export interface RefreshRotation {
  readonly digest: Digest
  /** The grant the token belongs to, as read before: it must still be live when the rotation lands. */
  readonly grantId: string
  readonly at: Date
  /** What the exchange issues in its place. */
  readonly issued: IssuedTokens
}

/** An authorization code redeemed by `CodeStore.redeem`, with the grant it starts and what it issues. */
export interface CodeRedemption {
  readonly digest: Digest
  readonly at: Date
  readonly grant: Grant
  readonly issued: IssuedTokens
}

/**
 * The outcome of a rotation: it landed, the token had been rotated already (reuse: the record as it is now), or
 * it was refused because the token is absent or revoked, or its grant is.
 */
export type RotationResult =
  | { readonly kind: 'rotated' }
  | { readonly kind: 'reused'; readonly record: RefreshToken }
  | { readonly kind: 'refused' }

export interface ClientStore {
  create(client: Client): Promise<void>
  /** Replaces every field of the client with this id. */
  update(client: Client): Promise<void>
  get(id: string): Promise<Client | null>
  list(): Promise<readonly Client[]>
  /**
   * Deleting a client also deletes its codes, grants, consents and device codes; its tokens read as gone from
   * then on (TokenStore).
   */
  delete(id: string): Promise<boolean>
  /** Records the first token of a dynamically registered client; later calls (and other clients) change nothing. */
  recordFirstUse(id: string, at: Date): Promise<void>
  /**
   * Deletes, as `delete` does, every dynamically registered client created before `createdBefore` that never
   * received a token; returns their ids.
   */
  deleteUnusedDynamic(createdBefore: Date): Promise<readonly string[]>
}

/** RFC 7591 §3 initial access tokens, by digest; the operator names one by its id. */
export interface InitialAccessTokenStore {
  create(token: InitialAccessToken): Promise<void>
  /** Every token, expired ones included, earliest first. */
  list(): Promise<readonly InitialAccessToken[]>
  delete(id: string): Promise<boolean>
  /**
   * Spends one use of the token with this digest, atomically: of racing calls, no more succeed than it has uses.
   * Returns the token as it is after the spending, or null when it is unknown, expired at `at` or used up.
   */
  spend(digest: Digest, at: Date): Promise<InitialAccessToken | null>
  /** Deletes the tokens expired before `before` or used up; returns how many. */
  deleteSpent(before: Date): Promise<number>
}

export interface UserStore {
  create(user: User): Promise<void>
  get(id: string): Promise<User | null>
  getByUsername(username: string): Promise<User | null>
  list(): Promise<readonly User[]>
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>
  /**
   * Records a person whose account lives in an embedding application (People), so that their sessions, grants and
   * consents refer to a user like anyone's: inserted on first sign-in, username kept current after. The record
   * has no password Keyward could check (`EXTERNAL_PASSWORD_HASH`).
   */
  recordExternal(user: User): Promise<void>
  /** Replaces the person's OpenID Connect claims; false when there is no such user. */
  setClaims(id: string, claims: StandardClaims): Promise<boolean>
  /** Deleting a user also deletes their sessions, grants and consents; their tokens read as gone (TokenStore). */
  delete(id: string): Promise<boolean>
}

export interface GrantStore {
  create(grant: Grant): Promise<void>
  get(id: string): Promise<Grant | null>
  listByUser(userId: string): Promise<readonly Grant[]>
  /**
   * Inside a transaction: returns the grant unless it is absent or revoked, and holds it until the transaction
   * ends. A revocation meanwhile waits, and then also revokes the tokens issued under the grant in that
   * transaction; one that came first is seen (null). Issuing tokens under an existing grant starts here.
   */
  hold(id: string): Promise<Grant | null>
  /**
   * Marks the grant revoked, and with it every refresh token and stored access token issued under it: they read
   * as revoked at `at` (unless revoked earlier) without a write to each. Returns false when the grant is absent
   * or was already revoked.
   */
  revoke(id: string, at: Date, reason: string): Promise<boolean>
}

export interface CodeStore {
  create(code: AuthorizationCode): Promise<void>
  /**
   * Atomically marks the code used and returns it: exactly one of any number of racing calls gets 'ok'.
   * A code already used yields 'reused' (with the grant its first use created), an unknown one 'missing'.
   * Expiry is the caller's to check: an expired code is still 'ok' here so that the caller can tell.
   */
  consume(digest: Digest, at: Date): Promise<ConsumeResult<AuthorizationCode>>
  /** The code, and whether it was used already; null when there is no such code. */
  find(digest: Digest): Promise<{ readonly code: AuthorizationCode; readonly used: boolean } | null>
  /**
   * The redemption hot path, atomically: marks the code used, with `grant` as its grant, and stores the grant and
   * what it issues, if and only if the code was not used yet. Of any number of racing calls (and `consume`)
   * exactly one succeeds; false, with nothing changed, when the code was used or is gone. On PostgreSQL it is one
   * statement (one round trip).
   */
  redeem(redemption: CodeRedemption): Promise<boolean>
  /** Records the grant that the first redemption created, so that a reuse can revoke it. */
  setGrant(digest: Digest, grantId: string): Promise<void>
  /**
   * Deletes the user's codes not redeemed yet (a redeemed one stays, so that its reuse is still caught); only
   * those issued to `clientId` when given.
   */
  deleteUnusedByUser(userId: string, clientId?: string): Promise<number>
  deleteExpired(before: Date): Promise<number>
}

/**
 * A token without a grant (client credentials) lives while its client's record does, and only if that record was
 * created no later than this long after the token was issued: a client deleted and registered again under the
 * same id (a metadata document's URL) does not bring back the tokens of the first. The margin is for a JWT's
 * whole-second `iat` and for the clocks of several nodes.
 */
export const CLIENT_RECORD_MARGIN_MS = 1000

/**
 * Tokens are written once each, and read with what decides whether they still hold: `getRefreshToken` and
 * `getAccessToken` report a token revoked when its grant is (the earlier revocation time of the two), and
 * return null when its grant is gone (a deleted client or user), or, for an access token without a grant, when
 * its client is (see CLIENT_RECORD_MARGIN_MS). Such tokens' rows stay until they expire and `deleteExpired`
 * takes them. The other methods act on the token's own record.
 */
export interface TokenStore {
  createRefreshToken(token: RefreshToken): Promise<void>
  getRefreshToken(digest: Digest): Promise<RefreshToken | null>
  /** The refresh token with its grant (revoked or not), in one read; null when there is no such token. */
  findRefreshToken(digest: Digest): Promise<{ readonly token: RefreshToken; readonly grant: Grant } | null>
  /**
   * The refresh token hot path, atomically: marks the token rotated and stores what it is exchanged for, if and
   * only if the token is neither rotated nor revoked and its grant is live. Of any number of racing calls exactly
   * one rotates; a revocation of the grant meanwhile waits, then revokes what this one stored. On PostgreSQL it
   * is one statement (one round trip).
   */
  rotateRefreshToken(rotation: RefreshRotation): Promise<RotationResult>
  /**
   * Marks the token issued in exchange for `digest` rotated at `at`, if it is still unused and unrevoked, so that
   * a retry of `digest` may take its place: of racing calls (and a racing rotation of that token) exactly one
   * succeeds. False when there was no such token.
   */
  supersedeSuccessor(digest: Digest, at: Date): Promise<boolean>
  /** False when the token is absent or was already revoked (its first revocation time stays). */
  revokeRefreshToken(digest: Digest, at: Date): Promise<boolean>

  createAccessToken(token: AccessTokenRecord): Promise<void>
  getAccessToken(key: string): Promise<AccessTokenRecord | null>
  /**
   * getAccessToken's read with the user of the token's grant, in one statement (UserInfo, when the people who
   * sign in are the user store's: `People.inUserStore`); the user is null for a token without a grant.
   */
  getAccessTokenWithUser(
    key: string,
  ): Promise<{ readonly token: AccessTokenRecord; readonly user: User | null } | null>
  /**
   * Revokes the access token with this key. For a JWT that was never stored (client credentials), a
   * revoked record is inserted so that introspection can answer inactive until it expires.
   */
  revokeAccessToken(token: AccessTokenRecord, at: Date): Promise<void>
  /** Deletes the tokens expired before `before`, those of deleted grants and clients included; returns how many. */
  deleteExpired(before: Date): Promise<number>
}

export interface ConsentStore {
  get(userId: string, clientId: string): Promise<Consent | null>
  /** Creates or replaces the remembered consent of this user for this client. */
  put(consent: Consent): Promise<void>
  listByUser(userId: string): Promise<readonly Consent[]>
  delete(userId: string, clientId: string): Promise<boolean>
}

export interface SessionStore {
  create(session: Session): Promise<void>
  get(digest: Digest): Promise<Session | null>
  /** The user's sessions, expired ones included, earliest sign-in first. */
  listByUser(userId: string): Promise<readonly Session[]>
  delete(digest: Digest): Promise<void>
  /** Ends every session of the user; returns how many there were. */
  deleteByUser(userId: string): Promise<number>
  deleteExpired(before: Date): Promise<number>
}

export interface DeviceCodeStore {
  create(code: DeviceCode): Promise<void>
  getByDeviceCode(deviceCodeDigest: Digest): Promise<DeviceCode | null>
  getByUserCode(userCodeDigest: Digest): Promise<DeviceCode | null>
  /** Records a poll and the interval in force after it. */
  recordPoll(deviceCodeDigest: Digest, at: Date, interval: number): Promise<void>
  /**
   * pending → approved | denied, by `userId` in the sign-in `signIn` (kept for the device's ID token); false when
   * the code was no longer pending (exactly one racer wins).
   */
  decide(
    userCodeDigest: Digest,
    status: 'approved' | 'denied',
    userId: string,
    signIn?: Pick<DeviceCode, 'authTime' | 'sid'>,
  ): Promise<boolean>
  /**
   * approved → consumed, atomically: exactly one poll receives tokens. A code in any other state (consumed,
   * pending, denied) comes back as 'reused' with its record, whose status says which.
   */
  consume(deviceCodeDigest: Digest): Promise<ConsumeResult<DeviceCode>>
  /** approved → denied for the user's codes that no poll has consumed yet (only `clientId`'s when given). */
  denyApprovedByUser(userId: string, clientId?: string): Promise<number>
  deleteExpired(before: Date): Promise<number>
}

export interface KeyStore {
  create(key: SigningKey): Promise<void>
  /** Every key whose publishUntil is null or later than `at`, newest first. */
  listPublished(at: Date): Promise<readonly SigningKey[]>
  /** Marks every current key except `kid` retired, to be published until `publishUntil`. */
  retireAllExcept(kid: string, at: Date, publishUntil: Date): Promise<void>
}

/** Operators' unlocks of sign-in waits (`keyward users unlock`), by username in lower case, as sign-in counts it. */
export interface SignInUnlockStore {
  unlock(username: string, at: Date): Promise<void>
  /** When the username was last unlocked, or null. */
  lastUnlock(username: string): Promise<Date | null>
}

/** RFC 9126 pushed authorization requests, by the digest of their request_uri. */
export interface PushedRequestStore {
  create(request: PushedRequest): Promise<void>
  /** The request as stored (used or not, expired or not: the caller decides), or null. */
  get(digest: Digest): Promise<PushedRequest | null>
  /**
   * Atomically marks the request used and returns it as marked: exactly one of any number of racing calls gets
   * 'ok', a later one 'reused', an unknown digest 'missing'. Expiry is the caller's to check.
   */
  consume(digest: Digest, at: Date): Promise<ConsumeResult<PushedRequest>>
  deleteExpired(before: Date): Promise<number>
}

/** Registered resources (RFC 8707), by identifier. */
export interface ResourceStore {
  create(resource: Resource): Promise<void>
  get(identifier: string): Promise<Resource | null>
  /** Every resource, by identifier. */
  list(): Promise<readonly Resource[]>
  /** Tokens issued for it stay valid until they expire; false when there is no such resource. */
  delete(identifier: string): Promise<boolean>
}

export interface Stores {
  readonly clients: ClientStore
  readonly users: UserStore
  readonly grants: GrantStore
  readonly codes: CodeStore
  readonly tokens: TokenStore
  readonly consents: ConsentStore
  readonly sessions: SessionStore
  readonly deviceCodes: DeviceCodeStore
  readonly keys: KeyStore
  readonly signInUnlocks: SignInUnlockStore
  readonly pushedRequests: PushedRequestStore
  readonly initialAccessTokens: InitialAccessTokenStore
  readonly resources: ResourceStore
  /** Runs `work` in one transaction: all of its writes land, or none. Mandatory wherever writes belong together. */
  transaction<T>(work: (tx: Stores) => Promise<T>): Promise<T>
  /** Resolves once the database answered the cheapest statement it has: the readiness probe (`/ready`). */
  ping(): Promise<void>
  /** How the database's connections are used, for the metrics; absent where there is no database (memory). */
  connectionUse?(): ConnectionUse
  close(): Promise<void>
}

/**
 * A database's connections at this moment, and what befell them since it was opened. PostgreSQL: pg's pool (the
 * listening connection for NOTIFY is apart). SQLite: its one connection, which callers queue for in turn.
 */
export interface ConnectionUse {
  /** Connections open, idle or in use. */
  readonly open: number
  readonly idle: number
  /** Callers waiting for a connection. */
  readonly waiting: number
  /** The most the pool opens. */
  readonly max: number
  /** Connections opened since start: a rate above the pool's churn means reconnections. */
  readonly opened: number
  /** Connections that failed while open (the server or the network dropped them, idle or in use). */
  readonly lost: number
  /** Waits for a connection that ended without one: connecting failed, or none came free in time. */
  readonly acquireFailures: number
}
