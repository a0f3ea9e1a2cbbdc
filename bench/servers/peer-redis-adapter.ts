// oidc-provider's storage on Redis, written for the bench: oidc-provider ships only its in-memory adapter and
// documents the interface (upsert, find, findByUid, findByUserCode, consume, destroy, revokeByGrantId) for others
// to implement. Each call is one round trip to Redis except the lookups by uid or user code and the revocation of
// a grant, which are two. Keys are prefixed by the connection (ioredis keyPrefix), so nothing else is touched.
import type { Redis } from 'ioredis'

type Payload = Record<string, unknown>

/** Models whose records belong to a grant: revoking the grant (revokeByGrantId) removes them. */
const GRANT_MEMBERS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
])

/**
 * Models that are spent once (consume). They are stored as a hash, so that spending one writes a `consumed`
 * field in place (one command, its expiry kept) instead of reading and rewriting the payload.
 */
const SPENDABLE = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
])

const grantKey = (grantId: string) => `grant:${grantId}`
const uidKey = (uid: string) => `uid:${uid}`
const userCodeKey = (userCode: string) => `userCode:${userCode}`

const parse = (text: string | null): Payload | undefined =>
  text === null ? undefined : (JSON.parse(text) as Payload)

/** The adapter for one model (Session, AccessToken, Grant, ...), as oidc-provider constructs it. */
class RedisAdapter {
  readonly #redis: Redis
  readonly #model: string
  readonly #spendable: boolean

  constructor(redis: Redis, model: string) {
    this.#redis = redis
    this.#model = model
    this.#spendable = SPENDABLE.has(model)
  }

  #key(id: string): string {
    return `${this.#model}:${id}`
  }

  /** Writes the record and its lookup keys in one transaction; `expiresIn` is in seconds, absent: no expiry. */
  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.#key(id)
    const json = JSON.stringify(payload)
    const ttl = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : null
    const write = this.#redis.multi()
    if (this.#spendable) {
      // A fresh hash: a record saved again starts unspent.
      write.del(key).hset(key, 'payload', json)
      if (ttl !== null) write.expire(key, ttl)
    } else if (ttl !== null) {
      write.set(key, json, 'EX', ttl)
    } else {
      write.set(key, json)
    }
    const { grantId, uid, userCode } = payload
    if (GRANT_MEMBERS.has(this.#model) && typeof grantId === 'string') {
      // The grant's set lives as long as its longest member: NX gives a new set its expiry, GT lengthens it.
      write.sadd(grantKey(grantId), key)
      if (ttl !== null) write.expire(grantKey(grantId), ttl, 'NX').expire(grantKey(grantId), ttl, 'GT')
    }
    if (this.#model === 'Session' && typeof uid === 'string') this.#setIndex(write, uidKey(uid), id, ttl)
    if (typeof userCode === 'string') this.#setIndex(write, userCodeKey(userCode), id, ttl)
    await write.exec()
  }

  #setIndex(write: ReturnType<Redis['multi']>, key: string, id: string, ttl: number | null): void {
    if (ttl === null) write.set(key, id)
    else write.set(key, id, 'EX', ttl)
  }

  async find(id: string): Promise<Payload | undefined> {
    const key = this.#key(id)
    if (!this.#spendable) return parse(await this.#redis.get(key))
    const [json = null, consumed = null] = await this.#redis.hmget(key, 'payload', 'consumed')
    const payload = parse(json)
    return payload === undefined || consumed === null ? payload : { ...payload, consumed: Number(consumed) }
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = await this.#redis.get(uidKey(uid))
    return id === null ? undefined : this.find(id)
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const id = await this.#redis.get(userCodeKey(userCode))
    return id === null ? undefined : this.find(id)
  }

  /** Marks a code or token spent at this second (epoch seconds, as oidc-provider's own adapter does). */
  async consume(id: string): Promise<void> {
    await this.#redis.hset(this.#key(id), 'consumed', Math.floor(Date.now() / 1000))
  }

  async destroy(id: string): Promise<void> {
    await this.#redis.del(this.#key(id))
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const members = await this.#redis.smembers(grantKey(grantId))
    await this.#redis.del(...members, grantKey(grantId))
  }
}

/** The `adapter` option of oidc-provider's configuration: a factory of one adapter per model. */
export function redisAdapter(redis: Redis): (model: string) => RedisAdapter {
  return (model) => new RedisAdapter(redis, model)
}
