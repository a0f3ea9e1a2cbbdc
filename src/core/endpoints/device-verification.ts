import { consentGranted } from '../authorize/consent.ts'
import { findClient } from '../clients/find-client.ts'
import type { CoreContext } from '../context.ts'
import { InvalidGrant, OAuthError, TooManyRequests } from '../errors.ts'
import type { Client } from '../model/client.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import type { ThrottlePolicy } from '../ports/throttle.ts'
import { attemptSource } from '../protocol/address.ts'
import { type Digest, digest } from '../protocol/digest.ts'
import { scopeDescriptions } from '../protocol/scope.ts'
import { describeResources } from '../resources/describe.ts'
import { formatUserCode, normalizeUserCode } from '../protocol/user-code.ts'
import { tooManyAttempts } from '../refusal.ts'
import { pageResult } from '../results.ts'
import { findSession, startSession } from '../sessions.ts'
import { type SignIn, signInOrRefusal } from '../sign-in.ts'
import { type Browser, LOGIN_FAILED_MESSAGE } from './authorize.ts'
import { ENDPOINT_PATHS } from './metadata.ts'

// RFC 8628 §3.3: the verification pages where a person types the user code, signs in if needed, and approves or
// denies. Signing in comes first where it can, so that the code is counted against the person's own tries.

/**
 * Wrong user codes (RFC 8628 §5.1: 20^8 codes are too few to leave unthrottled): ten at once, then a wait of a
 * minute that doubles with each further one, up to an hour; forgotten an hour after the last.
 */
export const USER_CODE_POLICY: ThrottlePolicy = {
  limit: 10,
  windowSeconds: 60 * 60,
  backoff: { firstSeconds: 60, maxSeconds: 60 * 60 },
}

export interface PendingDevice {
  /** As shown to a person: XXXX-XXXX. */
  readonly userCode: string
  readonly userCodeDigest: Digest
  readonly client: Client
  readonly scope: readonly string[]
  /** The resources (RFC 8707) the device asked tokens for; empty: the server's own. */
  readonly resources: readonly string[]
}

/**
 * Who types a code: a signed-in person has tries of their own, so that nobody sharing their address can use
 * them up; anyone else shares the tries of their address.
 */
export interface CodeTypist {
  readonly address: string
  readonly userId: string | null
}

/** Finds the pending device authorization a person typed the code of; wrong codes are counted per typist. */
export async function findPendingDevice(
  typed: string,
  typist: CodeTypist,
  deps: CoreContext,
): Promise<PendingDevice> {
  const throttleKey =
    typist.userId === null
      ? `user-code:source:${attemptSource(typist.address)}`
      : `user-code:user:${typist.userId}`
  // Charged before the lookup, in one atomic step, so that guesses sent at once cannot all pass a count read
  // earlier; a code that proves right is refunded below, so people approving many devices are never held up.
  const charge = await deps.throttle.take(throttleKey, USER_CODE_POLICY)
  if (!charge.allowed) {
    deps.events.emit({
      event: 'user_code_throttled',
      address: typist.address,
      ...(typist.userId === null ? {} : { userId: typist.userId }),
    })
    throw tooManyAttempts('Too many wrong codes.', charge.retryAfterSeconds)
  }
  const userCode = normalizeUserCode(typed)
  const code = userCode === null ? null : await deps.stores.deviceCodes.getByUserCode(digest(userCode))
  const client = code === null ? null : await findClient(code.clientId, deps)
  if (
    userCode === null ||
    code === null ||
    client === null ||
    code.status !== 'pending' ||
    code.expiresAt <= deps.clock.now()
  ) {
    throw new InvalidGrant('That code is not valid or has expired. Check the code on your device.')
  }
  await deps.throttle.refund(throttleKey)
  return {
    userCode: formatUserCode(userCode),
    userCodeDigest: code.userCodeDigest,
    client,
    scope: code.scope,
    resources: code.resources,
  }
}

/** The page where the code is typed, prefilled or shown again with why it was refused. */
export function deviceEntryPage(userCode?: string, error?: OAuthError): EndpointResult {
  const model = {
    action: ENDPOINT_PATHS.deviceVerification,
    ...(userCode === undefined ? {} : { userCode }),
    ...(error === undefined ? {} : { error: error.description }),
  }
  return pageResult({ view: 'device-entry', model }, error?.status ?? 200, error)
}

interface DeviceLoginProblem {
  readonly clientName?: string
  readonly username?: string
  /** The alert: why the page is shown again. */
  readonly problem?: string
  readonly status?: number
  readonly error?: OAuthError
}

function deviceLoginPage(userCode: string, shown: DeviceLoginProblem = {}): EndpointResult {
  const { clientName, username, problem, status, error } = shown
  const model = {
    action: ENDPOINT_PATHS.deviceLogin,
    hiddenFields: { user_code: userCode },
    ...(clientName === undefined ? {} : { clientName }),
    ...(username === undefined ? {} : { username }),
    ...(problem === undefined ? {} : { error: problem }),
  }
  return pageResult({ view: 'login', model }, status ?? 200, error)
}

async function confirmPage(
  pending: PendingDevice,
  userId: string,
  deps: CoreContext,
): Promise<EndpointResult> {
  const user = await deps.people.find(userId)
  return pageResult({
    view: 'device-confirm',
    model: {
      action: ENDPOINT_PATHS.deviceDecision,
      clientName: pending.client.name,
      username: user?.username ?? '',
      userCode: pending.userCode,
      scopes: scopeDescriptions(pending.scope, deps.config.scopes),
      hiddenFields: { user_code: pending.userCode },
      resources: await describeResources(pending.resources, deps.stores),
    },
  })
}

/** The device whose code the form carries, counted against the typist's tries; or why there is none. */
async function pendingFrom(
  form: ReadonlyMap<string, string>,
  typist: CodeTypist,
  deps: CoreContext,
): Promise<{ pending: PendingDevice; error?: undefined } | { pending?: undefined; error: OAuthError }> {
  try {
    return { pending: await findPendingDevice(form.get('user_code') ?? '', typist, deps) }
  } catch (error) {
    if (error instanceof OAuthError) return { error }
    throw error
  }
}

/** Who is signed in on this browser, and the device whose code the form carries, counted against their tries. */
async function pendingFor(form: ReadonlyMap<string, string>, browser: Browser, deps: CoreContext) {
  const session = await findSession(browser.sessionId, deps)
  const userId = session?.userId ?? null
  return { userId, session, ...(await pendingFrom(form, { address: browser.address, userId }, deps)) }
}

/** The code was typed: the confirmation page when signed in, else the sign-in page, else the entry page again. */
export async function submitUserCode(
  form: ReadonlyMap<string, string>,
  browser: Browser,
  deps: CoreContext,
): Promise<EndpointResult> {
  const { userId, pending, error } = await pendingFor(form, browser, deps)
  if (pending) {
    if (userId !== null) return confirmPage(pending, userId, deps)
    return deviceLoginPage(pending.userCode, { clientName: pending.client.name })
  }
  if (userId === null && error instanceof TooManyRequests) {
    // Others at this address used up its tries: signing in checks the code against the person's own instead.
    const problem =
      'Too many wrong codes were entered from your network. Sign in, and your code will be checked.'
    return deviceLoginPage(form.get('user_code') ?? '', { problem })
  }
  return deviceEntryPage(form.get('user_code'), error)
}

/** The sign-in form of the verification pages: sign in, then check the code against the person's own tries. */
export async function submitDeviceLogin(
  form: ReadonlyMap<string, string>,
  credentials: SignIn,
  deps: CoreContext,
): Promise<EndpointResult> {
  const { username } = credentials
  const userCode = form.get('user_code') ?? ''
  const user = await signInOrRefusal(credentials, deps)
  if (user instanceof OAuthError) {
    return deviceLoginPage(userCode, {
      username,
      problem: user.description,
      status: user.status,
      error: user,
    })
  }
  if (user === null)
    return deviceLoginPage(userCode, { username, problem: LOGIN_FAILED_MESSAGE, status: 401 })
  const session = (await startSession(user.id, deps)).cookie
  const { pending, error } = await pendingFrom(form, { address: credentials.address, userId: user.id }, deps)
  const result = pending ? await confirmPage(pending, user.id, deps) : deviceEntryPage(userCode, error)
  return { ...result, session }
}

/** The person approved or denied: only a pending code can be decided, once. */
export async function submitDeviceDecision(
  form: ReadonlyMap<string, string>,
  browser: Browser,
  deps: CoreContext,
): Promise<EndpointResult> {
  const { userId, session, pending, error } = await pendingFor(form, browser, deps)
  if (!pending) return deviceEntryPage(form.get('user_code'), error)
  if (userId === null || session === null)
    return deviceLoginPage(pending.userCode, { clientName: pending.client.name })
  const approved = form.get('decision') === 'approve'
  // OpenID Connect Core §2: the device's ID token states this sign-in (auth_time, and sid for logout).
  const decided = await deps.stores.deviceCodes.decide(
    pending.userCodeDigest,
    approved ? 'approved' : 'denied',
    userId,
    { authTime: session.authTime, sid: session.sid },
  )
  if (!decided) {
    return deviceEntryPage(
      undefined,
      new InvalidGrant('That code was already used. Start again on your device.'),
    )
  }
  if (approved) {
    const person = { userId, address: browser.address }
    deps.events.emit(
      consentGranted({
        ...person,
        clientId: pending.client.id,
        scope: pending.scope,
        resources: pending.resources,
      }),
    )
  }
  return pageResult({ view: 'device-done', model: { approved, clientName: pending.client.name } })
}
