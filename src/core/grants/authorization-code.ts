import { sameKeyProblem } from '../dpop/binding.ts'
import { InvalidGrant, InvalidRequest, type OAuthError } from '../errors.ts'
import type { AuthorizationCode } from '../model/code.ts'
import { newGrant } from '../model/new-grant.ts'
import type { TokenResponse } from '../model/token.ts'
import { digest } from '../protocol/digest.ts'
import { required } from '../protocol/params.ts'
import { verifierMatches } from '../protocol/pkce.ts'
import { soleRedirectUri } from '../protocol/redirect-uri.ts'
import { redeemedTarget, scopeForTarget } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { type GrantTokenRequest, issueGrantTokens, mintGrantTokens } from '../tokens/issue.ts'
import type { GrantContext, GrantHandler } from './grant-handler.ts'
import { settling, unsettledKey } from './unsettled.ts'

interface AuthorizationCodeInput {
  readonly code: string
  readonly codeVerifier: string
  readonly redirectUri: string | undefined
  readonly resources: readonly string[]
}

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5), which Keyward requires of every client (OAuth 2.1). */
export const authorizationCodeGrant: GrantHandler<AuthorizationCodeInput> = {
  grantType: 'authorization_code',
  parameters: ['code', 'code_verifier', 'redirect_uri', 'resource'],
  redirects: true,

  parse(params) {
    const codeVerifier = params.get('code_verifier')
    if (codeVerifier === undefined) {
      throw new InvalidRequest('The code_verifier parameter is required: Keyward requires PKCE (RFC 7636).')
    }
    return {
      code: required(params, 'code'),
      codeVerifier,
      redirectUri: params.get('redirect_uri'),
      resources: parseResources(params.get('resource')),
    }
  },

  async issue(input, ctx) {
    const now = ctx.clock.now()
    const codeDigest = digest(input.code)
    const key = unsettledKey('code', codeDigest)
    // The usual path: one read, the checks, and one atomic write (one statement on PostgreSQL) that claims the
    // code and stores the grant and its tokens. Anything else (an unknown, used or refused code, a lost race)
    // takes the transaction below, which tells them apart and answers as it always did.
    const found = await ctx.stores.codes.find(codeDigest)
    let contested = found?.used === true
    if (found !== null && !found.used) {
      const redemption = await redemptionOf(found.code, input, ctx)
      if (!(redemption instanceof Error)) {
        const grant = newGrant(redemption.owner, ctx, found.code)
        const { response, issued } = mintGrantTokens({ ...redemption.tokens, grant }, ctx)
        // The database may fail after the redemption landed: the client's retry must not look like reuse.
        const redeem = () => ctx.stores.codes.redeem({ digest: codeDigest, at: now, grant, issued })
        if (await settling(ctx, key, () => grant.id, redeem)) return response
        contested = true
      }
    }
    // The grant a redemption cut off as it landed started, which reached no one (src/core/grants/unsettled.ts).
    // Asked only of a used code: when Redis cannot tell, this throws 503, so that the presentation is neither
    // answered nor taken for reuse (the person's grant revoked) until it can be told.
    const neverSent = contested ? await ctx.unsettled.issuedBy(key) : null
    // The code of a reuse, reported once the transaction that revoked its grant has committed.
    let reused = null as AuthorizationCode | null
    // The grant this answer starts: should its own write be cut as it lands, the next retry takes its place.
    let started = null as string | null
    // One transaction: a racing second redemption waits for this one and then sees its grant, so a reuse
    // revokes what this redemption issued. Failures are returned, not thrown, so the consumption commits.
    const transaction = () =>
      ctx.stores.transaction(async (tx): Promise<TokenResponse | OAuthError> => {
        const consumed = await tx.codes.consume(codeDigest, now)
        if (consumed.kind === 'missing') return new InvalidGrant('The authorization code is invalid.')
        const code = consumed.record
        const retry = consumed.kind === 'reused' && neverSent !== null && code.grantId === neverSent
        if (consumed.kind === 'reused' && !retry) {
          // RFC 6749 §4.1.2: a code used twice must be refused, and what it issued should be revoked.
          if (code.grantId !== null) await tx.grants.revoke(code.grantId, now, 'code_reuse')
          reused = code
          return new InvalidGrant(
            'The authorization code was already used; the tokens issued with it are revoked.',
          )
        }
        // A retry must pass every check again (client, redirect_uri, the PKCE verifier, the DPoP key): one that
        // does not is refused and changes nothing, since the lost grant's tokens reached no one to revoke them
        // from; the client's own retry may still follow.
        const redemption = await redemptionOf(code, input, { ...ctx, stores: tx })
        if (redemption instanceof Error) return redemption
        // The lost grant gives way to this one, its tokens with it; one revoked meanwhile (the person
        // disconnected the client) stays so.
        if (retry && !(await tx.grants.revoke(neverSent, now, 'code_retry'))) {
          return new InvalidGrant('The authorization code is invalid.')
        }
        const grant = newGrant(redemption.owner, ctx, code)
        await tx.grants.create(grant)
        await tx.codes.setGrant(codeDigest, grant.id)
        started = grant.id
        return issueGrantTokens(tx, { ...redemption.tokens, grant }, ctx)
      })
    const outcome = await settling(ctx, key, () => started, transaction)
    if (reused !== null) reportReuse(reused, ctx)
    if (outcome instanceof Error) throw outcome
    return outcome
  },
}

/**
 * What redeeming `code` gives this request: the grant's owner and the tokens' request (without the grant, made
 * by the caller), or why the code cannot be redeemed by it. Reads, never writes.
 */
async function redemptionOf(
  code: AuthorizationCode,
  input: AuthorizationCodeInput,
  ctx: GrantContext,
): Promise<{ owner: Parameters<typeof newGrant>[0]; tokens: Omit<GrantTokenRequest, 'grant'> } | OAuthError> {
  // RFC 6749 §4.1.3: the code was issued to this client.
  if (code.clientId !== ctx.client.id)
    return new InvalidGrant('The authorization code was issued to another client.')
  if (code.expiresAt <= ctx.clock.now()) return new InvalidGrant('The authorization code has expired.')
  // RFC 6749 §4.1.3: redirect_uri, when present, is identical to the one of the authorization request.
  const redirectUri = input.redirectUri ?? soleRedirectUri(ctx.client.redirectUris)
  if (redirectUri !== code.redirectUri) {
    return new InvalidGrant('The redirect_uri does not match the one of the authorization request.')
  }
  // RFC 7636 §4.6
  if (!verifierMatches(input.codeVerifier, code.codeChallenge)) {
    return new InvalidGrant('The code_verifier does not match the code_challenge.')
  }
  // RFC 9449 §10: a code requested with dpop_jkt is redeemed only with a proof signed by that key.
  const keyProblem = sameKeyProblem(code.dpopJkt, ctx.dpopJkt, 'authorization code')
  if (keyProblem !== null) return keyProblem
  // RFC 8707 §2.2: the token request may narrow the resources the authorization request named.
  const target = await redeemedTarget(
    { requested: input.resources, client: ctx.client, scope: code.scope, authorized: code.resources },
    ctx,
  )
  if (target instanceof Error) return target
  const { userId, scope, resources } = code
  return {
    owner: { clientId: ctx.client.id, userId, scope, resources },
    tokens: {
      client: ctx.client,
      scope: scopeForTarget(scope, target),
      target,
      nonce: code.nonce,
      idTokenClaims: code.idTokenClaims,
      dpopJkt: ctx.dpopJkt,
    },
  }
}

/** RFC 6749 §10.5: a code presented twice may have been stolen; the operator should hear of it. */
function reportReuse(code: AuthorizationCode, ctx: GrantContext): void {
  ctx.events.emit({
    event: 'authorization_code_reused',
    clientId: ctx.client.id,
    ...(code.grantId === null ? {} : { grantId: code.grantId }),
    userId: code.userId,
    address: ctx.address,
  })
}
