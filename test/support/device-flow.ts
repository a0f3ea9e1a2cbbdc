import assert from 'node:assert/strict'
import { DEVICE_CODE } from '../../src/core/protocol/grant-types.ts'
import type { TestServer } from './server.ts'
import { basicAuthorization, type RegisteredClient, type TokenReply, tokenRequest } from './oauth-client.ts'
import { type Browser, formOn, newBrowser, type Page, submit } from './flow.ts'

/** A device client as the tests register it: public unless told otherwise. */
export function deviceClient(server: TestServer, overrides: Parameters<TestServer['client']>[0] = {}) {
  return server.client({
    name: 'Living Room TV',
    type: 'public',
    grantTypes: [DEVICE_CODE, 'refresh_token'],
    redirectUris: [],
    ...overrides,
  })
}

/** The device authorization response (RFC 8628 §3.2), in camelCase for the tests. */
export interface DeviceCodes {
  readonly deviceCode: string
  readonly userCode: string
  readonly verificationUri: string
  readonly verificationUriComplete: string
  readonly expiresIn: number
  readonly interval: number
}

/** POST /device_authorization authenticated as `registered` (Basic for a confidential client, RFC 6749 §2.3.1). */
export async function postDeviceAuthorization(
  server: TestServer,
  registered: RegisteredClient,
  form: Readonly<Record<string, string>> = {},
): Promise<TokenReply> {
  const { client, secret } = registered
  const response = await fetch(`${server.issuer}/device_authorization`, {
    method: 'POST',
    headers: secret === null ? {} : { authorization: basicAuthorization(client.id, secret) },
    body: new URLSearchParams(secret === null ? { client_id: client.id, ...form } : form),
  })
  return { status: response.status, headers: response.headers, json: await response.json() }
}

/** Starts a device authorization that must succeed. */
export async function startDevice(
  server: TestServer,
  registered: RegisteredClient,
  form: Readonly<Record<string, string>> = {},
): Promise<DeviceCodes> {
  const reply = await postDeviceAuthorization(server, registered, form)
  assert.equal(reply.status, 200, JSON.stringify(reply.json))
  const { json } = reply
  return {
    deviceCode: String(json.device_code),
    userCode: String(json.user_code),
    verificationUri: String(json.verification_uri),
    verificationUriComplete: String(json.verification_uri_complete),
    expiresIn: Number(json.expires_in),
    interval: Number(json.interval),
  }
}

/** One poll of the token endpoint with the device code (RFC 8628 §3.4). */
export function poll(
  server: TestServer,
  registered: RegisteredClient,
  deviceCode: string,
): Promise<TokenReply> {
  return tokenRequest(server, registered, { grant_type: DEVICE_CODE, device_code: deviceCode })
}

/** The `error` of a failed poll, checking the shape RFC 8628 §3.5 gives it. */
export function errorOf(reply: TokenReply): string {
  assert.equal(reply.status, 400, JSON.stringify(reply.json))
  assert.equal(reply.headers.get('cache-control'), 'no-store')
  return String(reply.json.error)
}

export interface Person {
  readonly username: string
  readonly password: string
}

/** Types the code on the entry page and signs in: the browser ends on the approval page. */
export async function reachApproval(
  server: TestServer,
  userCode: string,
  person: Person,
  browser: Browser = newBrowser(server.issuer),
): Promise<{ browser: Browser; page: Page }> {
  const entry = await browser.get('/device')
  const login = await submit(browser, entry, { user_code: userCode })
  assert.equal(formOn(login.body)?.action, '/device/login', login.body.slice(0, 500))
  const page = await submit(browser, login, { username: person.username, password: person.password })
  assert.equal(formOn(page.body)?.action, '/device/decide', page.body.slice(0, 500))
  return { browser, page }
}

/** The whole person's part over HTTP: enter the code, sign in, approve or deny; returns the final page. */
export async function decideOnPages(
  server: TestServer,
  userCode: string,
  person: Person,
  decision: 'approve' | 'deny',
): Promise<Page> {
  const { browser, page } = await reachApproval(server, userCode, person)
  return submit(browser, page, { decision })
}
