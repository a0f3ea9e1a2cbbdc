import type { CoreContext } from '../context.ts'
import { sameKeyProblem } from '../dpop/binding.ts'
import { InvalidGrant, InvalidScope, type OAuthError } from '../errors.ts'
import type { Grant } from '../model/grant.ts'
import type { RefreshToken, TokenResponse } from '../model/token.ts'
import type { Stores } from '../ports/stores.ts'
import { digest } from '../protocol/digest.ts'
import { required } from '../protocol/params.ts'
import { isSubset, parseScope } from '../protocol/scope.ts'
import { redeemedTarget, scopeForTarget } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { issueGrantTokens } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

interface RefreshInput {
  readonly refreshToken: string
  readonly scope: readonly string[]
  readonly resources: readonly string[]
}

const INVALID = 'The refresh token is invalid, expired or revoked.'

/**
 * RFC 6749 §6 with rotation: every use returns a new refresh token and retires the old one. Using a retired
 * token again is reuse (RFC 9700 §4.14.2): the whole grant is revoked, for the thief and the client alike.
 * Which of several racing uses rotates is decided by the database (one conditional UPDATE), never by a clock.
 */
export const refreshTokenGrant: GrantHandler<RefreshInput> = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope', 'resource'],

  parse(params) {
    return {
      refreshToken: required(params, 'refresh_token'),
      scope: parseScope(params.get('scope')),
      resources: parseResources(params.get('resource')),
    }
  },

  async issue(input, ctx) {
    const now = ctx.clock.now()
    const tokenDigest = digest(input.refreshToken)
    // The grant a reuse revoked, reported once that revocation has committed.
    let reused = null as Grant | null
    // Failures are returned, not thrown, so that a reuse's revocation commits with the transaction.
    const outcome = await ctx.stores.transaction(async (tx): Promise<TokenResponse | OAuthError> => {
      const token = await tx.tokens.getRefreshToken(tokenDigest)
      // RFC 6749 §6: the refresh token was issued to the authenticated client. Checked before anything
      // changes, so another client cannot burn this client's token.
      if (token === null || token.clientId !== ctx.client.id) return new InvalidGrant(INVALID)
      if (token.revokedAt !== null || token.expiresAt <= now || token.absoluteExpiresAt <= now) {
        return new InvalidGrant(INVALID)
      }
      // Held until commit: a reuse found by a racing request revokes the grant after this one's tokens exist.
      const grant = await tx.grants.hold(token.grantId)
      if (grant === null) return new InvalidGrant(INVALID)
      // RFC 6749 §6: the scope may narrow, never widen.
      const scope = input.scope.length === 0 ? token.scope : input.scope
      if (!isSubset(scope, token.scope))
        return new InvalidScope('The scope exceeds what the refresh token was granted.')
      // RFC 9449 §5: a public client's bound refresh token is used only with a proof by the same key. Checked
      // before the rotation, so a thief without the key cannot burn the token (or the grant, by reuse).
      const keyProblem = sameKeyProblem(token.dpopJkt, ctx.dpopJkt, 'refresh token')
      if (keyProblem !== null) return keyProblem
      // RFC 8707 §2.2: the resources may narrow to some of those the grant authorized, never widen.
      const target = await redeemedTarget(
        { requested: input.resources, client: ctx.client, scope, authorized: grant.resources },
        { config: ctx.config, stores: tx },
      )
      if (target instanceof Error) return target

      const rotation = await tx.tokens.rotateRefreshToken(tokenDigest, now)
      if (rotation.kind === 'missing') return new InvalidGrant(INVALID)
      if (rotation.kind === 'reused' && !(await retriedWithinGrace(tx, rotation.record, now, ctx))) {
        await tx.grants.revoke(grant.id, now, 'refresh_reuse')
        reused = grant
        return new InvalidGrant(
          'The refresh token was already used; the grant is revoked (RFC 9700 §4.14.2).',
        )
      }
      return issueGrantTokens(
        tx,
        {
          client: ctx.client,
          grant,
          scope: scopeForTarget(scope, target),
          target,
          refreshScope: token.scope,
          absoluteExpiresAt: token.absoluteExpiresAt,
          replaces: tokenDigest,
          dpopJkt: ctx.dpopJkt,
        },
        ctx,
      )
    })
    if (reused !== null) {
      ctx.events.emit({
        event: 'refresh_token_reused',
        clientId: ctx.client.id,
        grantId: reused.id,
        userId: reused.userId,
        address: ctx.address,
      })
    }
    if (outcome instanceof Error) throw outcome
    return outcome
  },
}

/**
 * The operator's grace period: a client whose response was lost may retry a rotated token for N seconds after
 * the rotation. The retry takes the place of the successor the rotation issued, which must still be unused, so
 * one chain lives on, never two. A negative age (this node's clock behind the one that rotated) is not "within".
 */
async function retriedWithinGrace(
  tx: Stores,
  rotated: RefreshToken,
  now: Date,
  ctx: Pick<CoreContext, 'config'>,
): Promise<boolean> {
  if (rotated.rotatedAt === null) return false
  const age = now.getTime() - rotated.rotatedAt.getTime()
  if (age < 0 || age >= ctx.config.refreshGracePeriod * 1000) return false
  return tx.tokens.supersedeSuccessor(rotated.digest, now)
}
