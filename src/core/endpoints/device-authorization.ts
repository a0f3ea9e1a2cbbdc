import { consentGranted } from '../authorize/consent.ts'
import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { EndpointContext } from '../context.ts'
import { InvalidGrant, UnauthorizedClient } from '../errors.ts'
import type { Client } from '../model/client.ts'
import type { DeviceCode } from '../model/device-code.ts'
import type { ThrottlePolicy } from '../ports/throttle.ts'
import { attemptSource } from '../protocol/address.ts'
import { type Digest, digest } from '../protocol/digest.ts'
import { DEVICE_CODE } from '../protocol/grant-types.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { formatUserCode, generateUserCode, normalizeUserCode } from '../protocol/user-code.ts'
import { randomToken } from '../random.ts'
import { tooManyAttempts } from '../refusal.ts'
import { ENDPOINT_PATHS } from './metadata.ts'

export interface DeviceAuthorizationResponse {
  readonly deviceCode: string
  readonly userCode: string
  readonly verificationUri: string
  readonly verificationUriComplete: string
  readonly expiresIn: number
  readonly interval: number
}

/** RFC 8628 §3.1–§3.2: a device asks for codes; the person will enter the user code on another screen. */
export async function authorizeDevice(
  input: ClientAuthInput,
  deps: EndpointContext,
): Promise<DeviceAuthorizationResponse> {
  const client = await authenticateClient(input, deps)
  if (!client.grantTypes.includes(DEVICE_CODE)) {
    throw new UnauthorizedClient('This client is not allowed to use the device authorization grant.')
  }
  const scope = resolveScope(parseScope(input.params.get('scope')), client.scopes, client.defaultScopes)
  const now = deps.clock.now()
  const expiresIn = deps.config.lifetimes.deviceCode
  const deviceCode = randomToken(deps.random)
  // A user code collides with a live one about once in 2^34 codes; a retry makes it vanishingly rare.
  for (let attempt = 0; ; attempt++) {
    const userCode = generateUserCode(deps.random)
    const record: DeviceCode = {
      deviceCodeDigest: digest(deviceCode),
      userCodeDigest: digest(userCode),
      clientId: client.id,
      scope,
      expiresAt: new Date(now.getTime() + expiresIn * 1000),
      interval: deps.config.devicePollInterval,
      lastPolledAt: null,
      status: 'pending',
      userId: null,
      createdAt: now,
    }
    try {
      await deps.stores.deviceCodes.create(record)
    } catch (error) {
      if (attempt < 2) continue
      throw error
    }
    const shown = formatUserCode(userCode)
    const verificationUri = `${deps.config.issuer}${ENDPOINT_PATHS.deviceVerification}`
    return {
      deviceCode,
      userCode: shown,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${shown}`,
      expiresIn,
      interval: record.interval,
    }
  }
}

/** RFC 8628 §3.2: the JSON body of the device authorization response. */
export function deviceAuthorizationBody(
  response: DeviceAuthorizationResponse,
): Record<string, string | number> {
  return {
    device_code: response.deviceCode,
    user_code: response.userCode,
    verification_uri: response.verificationUri,
    verification_uri_complete: response.verificationUriComplete,
    expires_in: response.expiresIn,
    interval: response.interval,
  }
}

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
  deps: EndpointContext,
): Promise<PendingDevice> {
  const throttleKey =
    typist.userId === null
      ? `user-code:source:${attemptSource(typist.address)}`
      : `user-code:user:${typist.userId}`
  // Charged before the lookup, in one atomic step, so that guesses sent at once cannot all pass a count read
  // earlier; a code that proves right is refunded below, so people approving many devices are never held up.
  const charge = await deps.throttle.take(throttleKey, USER_CODE_POLICY)
  if (!charge.allowed) throw tooManyAttempts('Too many wrong codes.', charge.retryAfterSeconds)
  const userCode = normalizeUserCode(typed)
  const code = userCode === null ? null : await deps.stores.deviceCodes.getByUserCode(digest(userCode))
  const client = code === null ? null : await deps.findClient(code.clientId)
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
  }
}

/**
 * The person approved or denied a device found by findPendingDevice. Only a pending code can be decided, once:
 * false when another decision got there first.
 */
export async function decideDevice(
  pending: PendingDevice,
  decision: 'approved' | 'denied',
  person: { readonly userId: string; readonly address: string },
  deps: Pick<EndpointContext, 'stores' | 'events'>,
): Promise<boolean> {
  const decided = await deps.stores.deviceCodes.decide(pending.userCodeDigest, decision, person.userId)
  if (decided && decision === 'approved') {
    deps.events.emit(consentGranted({ ...person, clientId: pending.client.id, scope: pending.scope }))
  }
  return decided
}
