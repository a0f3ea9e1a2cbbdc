// Keyward for tests that move its clock (startClockedKeywardProcess in test/support/keyward-process.ts starts
// it): configured by the KEYWARD_* environment exactly as `keyward start` is, but with a clock
// KEYWARD_TEST_CLOCK_OFFSET seconds off the real time, which the parent moves with an IPC message
// { advance: seconds } instead of sleeping.
import { loadConfig } from '../../src/cli/config-source.ts'
import { startServer } from '../../src/server.ts'
import { shiftedClock } from './clock.ts'

const clock = shiftedClock(Number(process.env.KEYWARD_TEST_CLOCK_OFFSET ?? '0'))
const server = await startServer(loadConfig(process.env), { clock })

process.on('message', (message: { advance?: unknown }) => {
  if (typeof message.advance !== 'number') return
  clock.advance(message.advance)
  process.send?.({ advanced: message.advance })
})

// Stopped by the parent (SIGTERM), or when the parent is gone (its IPC channel closes): never left running.
const stop = () => {
  server.close().finally(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.once('disconnect', stop)
// The line `keyward start` prints, which the parent waits for.
console.log(`Keyward is running. Issuer: ${server.address}`)
