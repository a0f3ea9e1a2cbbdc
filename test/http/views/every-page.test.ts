import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderConsent } from '../../../src/http/views/consent.ts'
import { renderDemoHome } from '../../../src/http/views/demo-home.ts'
import { renderDeviceConfirm } from '../../../src/http/views/device-confirm.ts'
import { renderDeviceDone } from '../../../src/http/views/device-done.ts'
import { renderDeviceEntry } from '../../../src/http/views/device-entry.ts'
import { renderError } from '../../../src/http/views/error.ts'
import { escapeHtml } from '../../../src/http/views/html.ts'
import { renderLogin } from '../../../src/http/views/login.ts'
import { renderLogoutConfirm } from '../../../src/http/views/logout-confirm.ts'
import { renderLogoutDone } from '../../../src/http/views/logout-done.ts'
import { assertPageRules, forms, hiddenFields, parseTags } from './markup.ts'

/** A value that breaks out of text and of both attribute quotings if it is not escaped; named to be found. */
function hostile(field: string): string {
  return `<script>alert('${field}')</script>" onfocus="x" '${field}'&amp;<style>`
}

const csrfToken = hostile('csrfToken')
const hiddenFieldsIn = {
  [hostile('hidden-name')]: hostile('hidden-value'),
  state: 'plain state',
  redirect_uri: 'https://app.example/cb?a=1&b=2',
}
const scopes = [
  { name: hostile('scope-name'), description: hostile('scope-description') },
  { name: 'notes:read', description: 'Read your notes' },
]

interface Case {
  readonly name: string
  readonly page: string
  readonly values: readonly string[]
  readonly hidden?: Readonly<Record<string, string>>
}

const cases: readonly Case[] = [
  {
    name: 'login',
    page: renderLogin({
      action: hostile('action'),
      csrfToken,
      clientName: hostile('clientName'),
      hiddenFields: hiddenFieldsIn,
      username: hostile('username'),
      error: hostile('error'),
    }),
    values: ['action', 'clientName', 'username', 'error'],
    hidden: hiddenFieldsIn,
  },
  {
    name: 'consent',
    page: renderConsent({
      action: hostile('action'),
      csrfToken,
      clientName: hostile('clientName'),
      username: hostile('username'),
      scopes,
      hiddenFields: hiddenFieldsIn,
      redirectHost: hostile('redirectHost'),
      switchAccount: hostile('switchAccount'),
    }),
    values: [
      'action',
      'clientName',
      'username',
      'scope-name',
      'scope-description',
      'redirectHost',
      'switchAccount',
    ],
    hidden: hiddenFieldsIn,
  },
  {
    name: 'error',
    page: renderError({
      title: hostile('title'),
      message: hostile('message'),
      code: hostile('code'),
      advice: hostile('advice'),
      appHome: { name: hostile('appName'), url: hostile('appUrl') },
    }),
    values: ['title', 'message', 'code', 'advice', 'appName', 'appUrl'],
  },
  {
    name: 'device entry',
    page: renderDeviceEntry({
      action: hostile('action'),
      csrfToken,
      userCode: hostile('userCode'),
      error: hostile('error'),
    }),
    values: ['action', 'userCode', 'error'],
    hidden: {},
  },
  {
    name: 'device confirm',
    page: renderDeviceConfirm({
      action: hostile('action'),
      csrfToken,
      clientName: hostile('clientName'),
      username: hostile('username'),
      userCode: hostile('userCode'),
      scopes,
      hiddenFields: hiddenFieldsIn,
    }),
    values: ['action', 'clientName', 'username', 'userCode', 'scope-name', 'scope-description'],
    hidden: hiddenFieldsIn,
  },
  {
    name: 'device done (approved)',
    page: renderDeviceDone({ approved: true, clientName: hostile('clientName') }),
    values: ['clientName'],
  },
  {
    name: 'device done (denied)',
    page: renderDeviceDone({ approved: false, clientName: hostile('clientName') }),
    values: ['clientName'],
  },
  {
    name: 'logout confirm',
    page: renderLogoutConfirm({
      action: hostile('action'),
      csrfToken,
      clientName: hostile('clientName'),
      username: hostile('username'),
      hiddenFields: hiddenFieldsIn,
    }),
    values: ['action', 'clientName', 'username'],
    hidden: hiddenFieldsIn,
  },
  {
    name: 'logout done',
    page: renderLogoutDone({ signedOut: true }),
    values: [],
  },
  {
    name: 'demo home',
    page: renderDemoHome({
      issuer: hostile('issuer'),
      username: hostile('username'),
      password: hostile('password'),
      examples: [
        {
          title: hostile('title'),
          url: `https://app.example/${hostile('url')}`,
          description: hostile('description'),
          legacy: hostile('legacy'),
        },
      ],
    }),
    values: ['issuer', 'username', 'password', 'title', 'url', 'description', 'legacy'],
  },
]

describe('every page', () => {
  for (const { name, page, values, hidden } of cases) {
    describe(name, () => {
      test('keeps the page rules with hostile input in every field', () => {
        assertPageRules(page, csrfToken)
      })

      test('renders every field, escaped', () => {
        for (const field of values) {
          const escaped = escapeHtml(hostile(field))
          assert.ok(page.includes(escaped), `${field} is rendered escaped`)
        }
      })

      test('the form is there when the page asks something, and its hidden fields round-trip', () => {
        const pageForms = forms(page)
        if (hidden === undefined) {
          assert.equal(pageForms.length, 0)
          return
        }
        assert.equal(pageForms.length, 1)
        const form = pageForms[0] ?? ''
        assert.equal(parseTags(form)[0]?.attributes.get('action'), hostile('action'))
        assert.deepEqual(hiddenFields(form), new Map([['csrf_token', csrfToken], ...Object.entries(hidden)]))
      })
    })
  }
})
