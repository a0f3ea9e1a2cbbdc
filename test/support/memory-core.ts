import type { Config } from '../../src/core/config.ts'
import type { CoreContext } from '../../src/core/context.ts'
import { openKeyRing } from '../../src/core/tokens/signing-keys.ts'
import { storedPeople } from '../../src/core/users.ts'
import { createMemoryStores } from '../../src/store/memory/stores.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { cryptoRandom } from '../../src/system.ts'
import type { TestClock } from './clock.ts'
import { recordingNotifier, recordingSink } from './events.ts'

/**
 * The whole core context on the memory store, for unit tests of core operations: the security events and the
 * logout notices it was given are kept (the first signing key's event is not).
 */
export async function memoryCore(config: Config, clock: TestClock) {
  const stores = createMemoryStores()
  const events = recordingSink()
  const keys = await openKeyRing(stores.keys, {
    secret: config.secret,
    clock,
    random: cryptoRandom,
    algorithm: config.signingAlgorithm,
    events,
  })
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
    events,
    logoutNotifier,
  }
  return { context, stores, events: events.events, notices: logoutNotifier.notices }
}
