import type { Config } from '../../src/core/config.ts'
import type { CoreContext } from '../../src/core/context.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import { openKeyRing } from '../../src/core/tokens/signing-keys.ts'
import { storedPeople } from '../../src/core/users.ts'
import { createMemoryStores } from '../../src/store/memory/stores.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { memoryUnsettledRedemptions } from '../../src/store/unsettled/memory-unsettled.ts'
import { cryptoRandom } from '../../src/system.ts'
import { type TestClock, testClock } from './clock.ts'
import { documentsFetch } from './documents.ts'
import { recordingNotifier, recordingSink } from './events.ts'
import { testConfig } from './fixtures.ts'

/**
 * A whole CoreContext for core unit tests: the memory store, a test clock, Keyward's own people, a signing key
 * ring, and an event sink that records (emptied of what opening the key ring emitted), and the logout notices
 * it was given.
 */
export function memoryCore(config: Config = testConfig(), clock: TestClock = testClock()) {
  return coreOn(createMemoryStores(), config, clock)
}

/** The same CoreContext over other stores: a SQL store's tests of what the core sends it. */
export async function coreOn(stores: Stores, config: Config = testConfig(), clock: TestClock = testClock()) {
  const events = recordingSink()
  const keyDeps = {
    secret: config.secret,
    clock,
    random: cryptoRandom,
    algorithm: config.signingAlgorithm,
    events,
  }
  const keys = await openKeyRing(stores.keys, keyDeps)
  events.events.length = 0
  const logoutNotifier = recordingNotifier()
  const context: CoreContext = {
    config,
    stores,
    people: storedPeople(stores.users),
    clock,
    random: cryptoRandom,
    keys,
    throttle: memoryThrottle(clock),
    replay: memoryReplayCache(clock),
    fetch: documentsFetch(),
    events,
    logoutNotifier,
    unsettled: memoryUnsettledRedemptions(clock),
  }
  return { context, stores, clock, events: events.events, notices: logoutNotifier.notices }
}
