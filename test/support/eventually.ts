import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'

/** Long enough for a PostgreSQL listener to connect or a notification to arrive on a busy machine. */
const patienceMs = 5000
const pollMs = 5

/** Polls `check` until it returns true, failing with `message` once patience runs out. */
export async function eventually(check: () => Promise<boolean>, message: string): Promise<void> {
  for (const deadline = Date.now() + patienceMs; Date.now() < deadline; await delay(pollMs)) {
    if (await check()) return
  }
  assert.fail(message)
}
