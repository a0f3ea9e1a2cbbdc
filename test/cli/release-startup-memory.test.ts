import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runInNewContext } from 'node:vm'
import { releaseStartupMemory } from '../../src/cli/release-startup-memory.ts'

test('the start-up collection runs and leaves no gc() to any context, old or new', () => {
  releaseStartupMemory()
  releaseStartupMemory()
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined')
  assert.equal(runInNewContext('typeof gc'), 'undefined')
})
