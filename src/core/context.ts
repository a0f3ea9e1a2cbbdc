import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import type { EventSink } from './ports/events.ts'
import type { OutboundFetch } from './ports/fetch.ts'
import type { LogoutNotifier } from './ports/logout-notifier.ts'
import type { People } from './ports/people.ts'
import type { ReplayCache } from './ports/replay.ts'
import type { Stores } from './ports/stores.ts'
import type { Throttle } from './ports/throttle.ts'
import type { UnsettledRedemptions } from './ports/unsettled.ts'
import type { Random } from './random.ts'
import type { KeyRing } from './tokens/signing-keys.ts'

/** What the protocol logic needs from the outside world, injected by the edges (server, CLI, tests). */
export interface CoreContext {
  readonly config: Config
  readonly stores: Stores
  /** Who signs in: Keyward's own user store, or the accounts of an application that embeds it. */
  readonly people: People
  readonly clock: Clock
  readonly random: Random
  readonly keys: KeyRing
  readonly throttle: Throttle
  /** One-time values already seen (client assertion `jti`s), shared across nodes when Redis is configured. */
  readonly replay: ReplayCache
  /** Where security events go (the log, a webhook): core says what happened, the edge where to. */
  readonly events: EventSink
  /** The one way to reach another server (client ID metadata documents, `jwks_uri`), with its SSRF defences. */
  readonly fetch: OutboundFetch
  /** Posts Back-Channel Logout tokens to clients when a session ends, in the background. */
  readonly logoutNotifier: LogoutNotifier
  /**
   * The refresh rotations and code redemptions that failed as they may have landed, so that the client's retry is
   * not taken for reuse (src/core/grants/unsettled.ts); shared across nodes when Redis is configured.
   */
  readonly unsettled: UnsettledRedemptions
}
