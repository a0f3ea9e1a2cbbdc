import type { CoreContext } from '../context.ts'
import { sameKeyProblem } from '../dpop/binding.ts'
import { InvalidGrant, InvalidScope } from '../errors.ts'
import type { Grant } from '../model/grant.ts'
import type { RefreshToken, TokenResponse } from '../model/token.ts'
import type { Stores } from '../ports/stores.ts'
import { type Digest, digest } from '../protocol/digest.ts'
import { required } from '../protocol/params.ts'
import { isSubset, parseScope } from '../protocol/scope.ts'
import { redeemedTarget, scopeForTarget } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { type GrantTokenRequest, issueGrantTokens, mintGrantTokens } from '../tokens/issue.ts'
import type { GrantContext, GrantHandler } from './grant-handler.ts'
import { settling, unsettledKey } from './unsettled.ts'

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
 * The usual path is one read and one atomic write (one statement on PostgreSQL); a reuse runs in a transaction.
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

  issue: (input, ctx) => exchange(digest(input.refreshToken), input, ctx),
}

async function exchange(tokenDigest: Digest, input: RefreshInput, ctx: GrantContext): Promise<TokenResponse> {
  const now = ctx.clock.now()
  const { token, request } = await exchangeRequest(tokenDigest, input, ctx)
  if (token.rotatedAt !== null) return answerReuse(token, request, ctx)

  const { response, issued } = mintGrantTokens(request, ctx)
  // The database may fail after the rotation landed: the client's retry must not look like reuse.
  const rotation = await settling(
    ctx,
    unsettledKey('refresh_token', tokenDigest),
    () => issued.refreshToken?.digest ?? null,
    () =>
      ctx.stores.tokens.rotateRefreshToken({ digest: tokenDigest, grantId: token.grantId, at: now, issued }),
  )
  if (rotation.kind === 'rotated') return response
  if (rotation.kind === 'refused') throw new InvalidGrant(INVALID)
  // Another use of the same token rotated it since it was read: this one is the reuse.
  return answerReuse(rotation.record, request, ctx)
}

/**
 * Reads the presented token and its grant, and checks, before anything changes, everything that does not depend
 * on whether it was used already: a thief without the client's credentials or key cannot burn the token.
 */
async function exchangeRequest(
  tokenDigest: Digest,
  input: RefreshInput,
  ctx: GrantContext,
): Promise<{ token: RefreshToken; request: GrantTokenRequest }> {
  const now = ctx.clock.now()
  const found = await ctx.stores.tokens.findRefreshToken(tokenDigest)
  // RFC 6749 §6: the refresh token was issued to the authenticated client.
  if (found === null || found.token.clientId !== ctx.client.id) throw new InvalidGrant(INVALID)
  const { token, grant } = found
  if (token.revokedAt !== null || token.expiresAt <= now || token.absoluteExpiresAt <= now) {
    throw new InvalidGrant(INVALID)
  }
  if (grant.revokedAt !== null) throw new InvalidGrant(INVALID)
  // RFC 6749 §6: the scope may narrow, never widen.
  const scope = input.scope.length === 0 ? token.scope : input.scope
  if (!isSubset(scope, token.scope))
    throw new InvalidScope('The scope exceeds what the refresh token was granted.')
  // RFC 9449 §5: a public client's bound refresh token is used only with a proof by the same key.
  const keyProblem = sameKeyProblem(token.dpopJkt, ctx.dpopJkt, 'refresh token')
  if (keyProblem !== null) throw keyProblem
  // RFC 8707 §2.2: the resources may narrow to some of those the grant authorized, never widen.
  const target = await redeemedTarget(
    { requested: input.resources, client: ctx.client, scope, authorized: grant.resources },
    ctx,
  )
  if (target instanceof Error) throw target
  return {
    token,
    request: {
      client: ctx.client,
      grant,
      scope: scopeForTarget(scope, target),
      target,
      refreshScope: token.scope,
      absoluteExpiresAt: token.absoluteExpiresAt,
      replaces: tokenDigest,
      dpopJkt: ctx.dpopJkt,
    },
  }
}

/**
 * A rotated token presented again. Within the operator's grace period, or as the retry of a rotation that failed
 * as it may have landed (on any node), it takes the place of its unused successor; otherwise it is reuse, and the
 * grant is revoked.
 */
async function answerReuse(
  rotated: RefreshToken,
  request: GrantTokenRequest,
  ctx: GrantContext,
): Promise<TokenResponse> {
  const now = ctx.clock.now()
  const key = unsettledKey('refresh_token', rotated.digest)
  const grace = withinGrace(rotated, now, ctx)
  // Asked only here, of a spent token: never on the usual path. When Redis cannot tell, this throws 503: the
  // presentation is neither answered (it may be a thief's) nor taken for reuse (it may be the client's retry,
  // and revoking would end the person's live grant); it is decided when asked again, once Redis answers.
  const neverSent = grace ? null : await ctx.unsettled.issuedBy(key)
  let reused = null as Grant | null
  // The successor this answer issues: should its own write be cut as it lands, the next retry takes its place.
  let successor = null as Digest | null
  // Failures are returned, not thrown, so that a reuse's revocation commits with the transaction.
  const outcome = await settling(
    ctx,
    key,
    () => successor,
    () =>
      ctx.stores.transaction(async (tx): Promise<TokenResponse | InvalidGrant> => {
        // Held until commit: a reuse found by a racing request revokes the grant after this one's tokens exist.
        const grant = await tx.grants.hold(rotated.grantId)
        if (grant === null) return new InvalidGrant(INVALID)
        if (
          (grace || (neverSent !== null && (await unused(neverSent, tx)))) &&
          (await tx.tokens.supersedeSuccessor(rotated.digest, now))
        ) {
          const response = await issueGrantTokens(tx, { ...request, grant }, ctx)
          successor = response.refreshToken === undefined ? null : digest(response.refreshToken)
          return response
        }
        await tx.grants.revoke(grant.id, now, 'refresh_reuse')
        reused = grant
        return new InvalidGrant(
          'The refresh token was already used; the grant is revoked (RFC 9700 §4.14.2).',
        )
      }),
  )
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
}

/**
 * Whether the successor a lost answer carried is still unused: it reached no one, and a presentation of its
 * predecessor takes its place, as within the grace period (a thief's first, and the client's own retry finds it
 * taken: reuse). Once taken over or used it excuses nothing: one retry per failure.
 */
async function unused(successor: string, tx: Stores): Promise<boolean> {
  const token = await tx.tokens.getRefreshToken(successor as Digest)
  return token !== null && token.rotatedAt === null && token.revokedAt === null
}

/**
 * The operator's grace period: a client whose response was lost may retry a rotated token for N seconds after
 * the rotation. The retry takes the place of the successor the rotation issued, which must still be unused, so
 * one chain lives on, never two. A negative age (this node's clock behind the one that rotated) is not "within".
 */
function withinGrace(rotated: RefreshToken, now: Date, ctx: Pick<CoreContext, 'config'>): boolean {
  if (rotated.rotatedAt === null) return false
  const age = now.getTime() - rotated.rotatedAt.getTime()
  return age >= 0 && age < ctx.config.refreshGracePeriod * 1000
}
