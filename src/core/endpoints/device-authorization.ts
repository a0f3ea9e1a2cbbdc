import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import { UnauthorizedClient } from '../errors.ts'
import type { DeviceCode } from '../model/device-code.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { digest } from '../protocol/digest.ts'
import { DEVICE_CODE } from '../protocol/grant-types.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { formatUserCode, generateUserCode } from '../protocol/user-code.ts'
import { randomToken } from '../random.ts'
import { checkScopeFitsTarget, decideTarget, targetedIdentifiers } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { jsonResult } from '../results.ts'
import { ENDPOINT_PATHS } from './metadata.ts'

/** RFC 8628 §3.1–§3.2: a device asks for codes; the person will enter the user code on another screen. */
export async function authorizeDevice(input: ClientAuthInput, deps: CoreContext): Promise<EndpointResult> {
  const client = await authenticateClient(input, deps)
  if (!client.grantTypes.includes(DEVICE_CODE)) {
    throw new UnauthorizedClient('This client is not allowed to use the device authorization grant.')
  }
  const scope = resolveScope(parseScope(input.params.get('scope')), client.scopes, client.defaultScopes)
  // RFC 8707 §2 (RFC 8628 §3.1 takes the token request's parameters): whom the tokens will be for.
  const target = await decideTarget(
    { requested: parseResources(input.params.get('resource')), client, scope },
    deps,
  )
  checkScopeFitsTarget(scope, target)
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
      resources: targetedIdentifiers(target),
      expiresAt: new Date(now.getTime() + expiresIn * 1000),
      interval: deps.config.devicePollInterval,
      lastPolledAt: null,
      status: 'pending',
      userId: null,
      createdAt: now,
      authTime: null,
      sid: null,
    }
    try {
      await deps.stores.deviceCodes.create(record)
    } catch (error) {
      if (attempt < 2) continue
      throw error
    }
    const shown = formatUserCode(userCode)
    const verificationUri = `${deps.config.issuer}${ENDPOINT_PATHS.deviceVerification}`
    // RFC 8628 §3.2
    return jsonResult({
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${shown}`,
      expires_in: expiresIn,
      interval: record.interval,
    })
  }
}
