import {
  AccessDenied,
  AuthorizationPending,
  ExpiredToken,
  InvalidGrant,
  type OAuthError,
  SlowDown,
} from '../errors.ts'
import { newGrant } from '../model/new-grant.ts'
import type { TokenResponse } from '../model/token.ts'
import { digest } from '../protocol/digest.ts'
import { DEVICE_CODE } from '../protocol/grant-types.ts'
import { required } from '../protocol/params.ts'
import { redeemedTarget, scopeForTarget } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { issueGrantTokens } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval the device must keep. */
const SLOW_DOWN_STEP = 5

/** RFC 8628 §3.4–§3.5: the device polls with its device_code until the person approves or denies. */
export const deviceCodeGrant: GrantHandler<{
  readonly deviceCode: string
  readonly resources: readonly string[]
}> = {
  grantType: DEVICE_CODE,
  parameters: ['device_code', 'resource'],

  parse(params) {
    return { deviceCode: required(params, 'device_code'), resources: parseResources(params.get('resource')) }
  },

  async issue(input, ctx) {
    const now = ctx.clock.now()
    const codeDigest = digest(input.deviceCode)
    const outcome = await ctx.stores.transaction(async (tx): Promise<TokenResponse | OAuthError> => {
      const code = await tx.deviceCodes.getByDeviceCode(codeDigest)
      // RFC 8628 §3.4: the device code was issued to this client.
      if (code === null || code.clientId !== ctx.client.id)
        return new InvalidGrant('The device_code is invalid.')
      if (code.expiresAt <= now) return new ExpiredToken('The device_code has expired; start again.')
      if (code.status === 'consumed') return new InvalidGrant('The device_code was already used.')
      const tooSoon =
        code.lastPolledAt !== null && now.getTime() - code.lastPolledAt.getTime() < code.interval * 1000
      const interval = tooSoon ? code.interval + SLOW_DOWN_STEP : code.interval
      await tx.deviceCodes.recordPoll(codeDigest, now, interval)
      if (tooSoon)
        return new SlowDown(`Polling too fast: wait at least ${interval} seconds between requests.`)
      if (code.status === 'pending') return new AuthorizationPending('The user has not finished yet.')
      if (code.status === 'denied') return new AccessDenied('The user denied the request.')

      // RFC 8707 §2.2: the token request may narrow the resources of the device authorization request. Decided
      // before the code is consumed: a refused target leaves the approval for a corrected poll.
      const target = await redeemedTarget(
        { requested: input.resources, client: ctx.client, scope: code.scope, authorized: code.resources },
        { config: ctx.config, stores: tx },
      )
      if (target instanceof Error) return target
      const consumed = await tx.deviceCodes.consume(codeDigest)
      if (consumed.kind !== 'ok' || code.userId === null)
        return new InvalidGrant('The device_code was already used.')
      const { scope, resources } = code
      const owner = { clientId: ctx.client.id, userId: code.userId, scope, resources }
      const grant = newGrant(owner, ctx, { authTime: code.authTime, sid: code.sid })
      await tx.grants.create(grant)
      return issueGrantTokens(
        tx,
        { client: ctx.client, grant, scope: scopeForTarget(scope, target), target, dpopJkt: ctx.dpopJkt },
        ctx,
      )
    })
    if (outcome instanceof Error) throw outcome
    return outcome
  },
}
