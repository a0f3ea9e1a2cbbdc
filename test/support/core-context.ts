import type { Config } from '../../src/core/config.ts'
import type { CoreContext } from '../../src/core/context.ts'
import { openKeyRing } from '../../src/core/tokens/signing-keys.ts'
import { storedPeople } from '../../src/core/users.ts'
import { createMemoryStores } from '../../src/store/memory/stores.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { cryptoRandom } from '../../src/system.ts'
import { testClock } from './clock.ts'
import { recordingSink } from './events.ts'

/**
 * What core unit tests run on: the memory store, a test clock, a signing key ring, and a sink that records
 * security events (emptied of the key ring's own, so that each test sees only what it caused).
 */
export async function memoryCoreContext(config: Config) {
  const clock = testClock()
  const stores = createMemoryStores()
  const events = recordingSink()
  const deps = {
    secret: config.secret,
    clock,
    random: cryptoRandom,
    algorithm: config.signingAlgorithm,
    events,
  }
  const keys = await openKeyRing(stores.keys, deps)
  events.events.length = 0
  const context: CoreContext = {
    config,
    stores,
    people: storedPeople(stores.users),
    clock,
    random: cryptoRandom,
    keys,
    throttle: memoryThrottle(clock),
    replay: memoryReplayCache(clock),
    events,
  }
  return { context, stores, clock, events: events.events }
}
