import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderDeviceDone } from '../../../src/http/views/device-done.ts'
import { assertPageRules, forms } from './markup.ts'

describe('renderDeviceDone', () => {
  test('after approval, sends the person back to the device', () => {
    const page = renderDeviceDone({ approved: true, clientName: 'Living Room TV' })
    assertPageRules(page)
    assert.ok(page.includes('<h1>You can return to your device</h1>'))
    assert.ok(page.includes('Living Room TV</span> can now use your account.'))
    assert.deepEqual(forms(page), [])
  })

  test('after denial, says access was denied', () => {
    const page = renderDeviceDone({ approved: false, clientName: 'Living Room TV' })
    assertPageRules(page)
    assert.ok(page.includes('<h1>Access denied</h1>'))
    assert.ok(page.includes('Living Room TV</span> was not given access.'))
  })
})
