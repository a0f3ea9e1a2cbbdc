import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKeyInput,
  type KeyObject,
} from 'node:crypto'
import type { Clock } from '../clock.ts'
import type { SigningKey } from '../model/signing-key.ts'
import type { EventSink } from '../ports/events.ts'
import { type SealPurpose, seal, unseal } from '../protocol/sealed.ts'
import type { KeyStore } from '../ports/stores.ts'
import type { Random } from '../random.ts'

export type SigningAlgorithm = SigningKey['alg']

/**
 * The default algorithm of ID tokens (src/core/oidc/id-token.ts): RS256, which Discovery 1.0 §3 requires providers
 * to support and which OpenID Connect Dynamic Client Registration §2 makes the default
 * `id_token_signed_response_alg`, so any relying party validates it without being told. A client may register
 * ES256 or EdDSA instead. Access tokens keep the configured algorithm (ES256 or EdDSA), whose keys are smaller
 * and faster.
 */
export const ID_TOKEN_ALGORITHM = 'RS256' satisfies SigningAlgorithm

/** Every algorithm an ID token may be signed with (Discovery §3 id_token_signing_alg_values_supported). */
export const ID_TOKEN_ALGORITHMS = [
  ID_TOKEN_ALGORITHM,
  'ES256',
  'EdDSA',
] as const satisfies readonly SigningAlgorithm[]

/** The key that signs now, ready to use. */
export interface ActiveKey {
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly privateKey: KeyObject
}

export interface JsonWebKeySet {
  readonly keys: readonly Readonly<Record<string, unknown>>[]
}

const SIGNING_KEY_SEAL = 'signing-key encryption v1' satisfies SealPurpose

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: Readonly<Record<string, unknown>>): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)] ?? []
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])))
  return createHash('sha256').update(canonical).digest('base64url')
}

/** A new key pair with its private part encrypted under the configured secret. */
export function generateSigningKey(
  alg: SigningAlgorithm,
  deps: { secret: string; clock: Clock; random: Random },
): SigningKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'RS256'
        ? // RFC 7518 §3.3: a key of 2048 bits or larger.
          generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519')
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  const kid = thumbprint(publicJwk)
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    encryptedPrivateJwk: seal(
      JSON.stringify(pair.privateKey.export({ format: 'jwk' })),
      deps.secret,
      SIGNING_KEY_SEAL,
      deps.random,
    ),
    createdAt: deps.clock.now(),
    retiredAt: null,
    publishUntil: null,
  }
}

function activate(key: SigningKey, secret: string): ActiveKey {
  let privateJwk: JsonWebKeyInput['key']
  try {
    privateJwk = JSON.parse(unseal(key.encryptedPrivateJwk, secret, SIGNING_KEY_SEAL))
  } catch (cause) {
    throw new Error(
      `Cannot decrypt signing key ${key.kid}: the configured secret is not the one it was encrypted with.`,
      { cause },
    )
  }
  return { kid: key.kid, alg: key.alg, privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }) }
}

/**
 * The signing keys as the server uses them: the newest unretired key of the configured algorithm signs access
 * tokens, the newest unretired key of a client's ID token algorithm its ID tokens, and every published key is in
 * the JWKS. `reload` picks up rotations made by another process or node.
 */
export interface KeyRing {
  active(): ActiveKey
  /**
   * The key of ID tokens signed with `alg`: the access tokens' key when that is the algorithm, else one of its
   * own, made the first time one is signed (and after each rotation, which retires it with the others): servers
   * that never sign an RS256 ID token publish no RSA key. Never call it inside a store transaction: it may write
   * the new key.
   */
  idTokenKey(alg: SigningAlgorithm): Promise<ActiveKey>
  jwks(): JsonWebKeySet
  reload(): Promise<void>
}

export async function openKeyRing(
  store: KeyStore,
  deps: { secret: string; clock: Clock; random: Random; algorithm: SigningAlgorithm; events: EventSink },
): Promise<KeyRing> {
  // The newest unretired key of each algorithm, activated: the configured one's signs access tokens.
  let signers = new Map<SigningAlgorithm, ActiveKey>()
  let published: JsonWebKeySet
  let last: Promise<void> = Promise.resolve()
  const signsWith = (alg: SigningAlgorithm) => (key: SigningKey) => key.retiredAt === null && key.alg === alg

  async function create(alg: SigningAlgorithm): Promise<readonly SigningKey[]> {
    const key = generateSigningKey(alg, deps)
    await store.create(key)
    deps.events.emit({ event: 'signing_key_rotated', keyId: key.kid, reason: 'no_signing_key' })
    return store.listPublished(deps.clock.now())
  }

  async function load(alsoNeeded?: SigningAlgorithm): Promise<void> {
    let keys = await store.listPublished(deps.clock.now())
    // First start (or every key retired by hand): make the key that signs from now on.
    for (const alg of new Set([deps.algorithm, alsoNeeded ?? deps.algorithm])) {
      if (!keys.some(signsWith(alg))) keys = await create(alg)
    }
    const next = new Map<SigningAlgorithm, ActiveKey>()
    for (const alg of new Set(keys.map((key) => key.alg))) {
      // listPublished lists the newest first.
      const signer = keys.find(signsWith(alg))
      if (signer === undefined) continue
      const known = signers.get(alg)
      next.set(alg, known?.kid === signer.kid ? known : activate(signer, deps.secret))
    }
    if (!next.has(deps.algorithm)) throw new Error('No signing key is available after creating one.')
    signers = next
    published = { keys: keys.map((key) => key.publicJwk) }
  }

  // One load at a time, in order: a slower, older read never overwrites a newer one, and two loads that both
  // find no key (first start) do not make two.
  const reload = (alsoNeeded?: SigningAlgorithm): Promise<void> => {
    const next = () => load(alsoNeeded)
    last = last.then(next, next)
    return last
  }
  await reload()
  const signerFor = (alg: SigningAlgorithm) => signers.get(alg)
  async function idTokenKey(alg: SigningAlgorithm): Promise<ActiveKey> {
    if (signerFor(alg) === undefined) await reload(alg)
    const signer = signerFor(alg)
    if (signer === undefined) throw new Error(`No ${alg} ID token key is available after creating one.`)
    return signer
  }
  const active = (): ActiveKey => {
    const signer = signerFor(deps.algorithm)
    if (signer === undefined) throw new Error('No signing key is loaded.')
    return signer
  }
  return { active, idTokenKey, jwks: () => published, reload: () => reload() }
}

/** An operator's rotation: a new signing key, and the others retired, published for `publishFor` seconds more. */
export async function rotateSigningKey(
  store: KeyStore,
  deps: {
    secret: string
    clock: Clock
    random: Random
    algorithm: SigningAlgorithm
    publishFor: number
    events: EventSink
  },
): Promise<SigningKey> {
  const key = generateSigningKey(deps.algorithm, deps)
  const now = deps.clock.now()
  await store.create(key)
  await store.retireAllExcept(key.kid, now, new Date(now.getTime() + deps.publishFor * 1000))
  deps.events.emit({ event: 'signing_key_rotated', keyId: key.kid, reason: 'operator' })
  return key
}
