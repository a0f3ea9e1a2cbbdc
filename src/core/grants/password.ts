import { InvalidGrant } from '../errors.ts'
import { newGrant } from '../model/new-grant.ts'
import type { TokenResponse } from '../model/token.ts'
import { required } from '../protocol/params.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { checkScopeFitsTarget, decideTarget, targetedIdentifiers } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { authenticateUser } from '../sign-in.ts'
import { issueGrantTokens } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

interface PasswordInput {
  readonly username: string
  readonly password: string
  readonly scope: readonly string[]
  readonly resources: readonly string[]
}

// One message for every failure: nothing tells whether the username exists.
const FAILED = 'The username or password is incorrect.'

/**
 * RFC 6749 §4.3, Resource Owner Password Credentials: legacy, removed from OAuth 2.1 (RFC 9700 §2.4). The
 * client sees the person's password, so it is enabled only for clients an operator acknowledged, and guessing
 * is throttled per username and address and per address (in authenticateUser: too many → 429).
 */
export const passwordGrant: GrantHandler<PasswordInput> = {
  grantType: 'password',
  legacy: 'password',
  parameters: ['username', 'password', 'scope', 'resource'],

  parse(params) {
    return {
      username: required(params, 'username'),
      password: required(params, 'password'),
      scope: parseScope(params.get('scope')),
      resources: parseResources(params.get('resource')),
    }
  },

  async issue(input, ctx) {
    const scope = resolveScope(input.scope, ctx.client.scopes, ctx.client.defaultScopes)
    // RFC 8707 §2, checked before the password so that a wrong target costs no guess.
    const target = await decideTarget({ requested: input.resources, client: ctx.client, scope }, ctx)
    checkScopeFitsTarget(scope, target)
    const user = await authenticateUser({ ...input, address: ctx.address }, ctx)
    if (user === null) throw new InvalidGrant(FAILED)
    const grant = newGrant(
      { clientId: ctx.client.id, userId: user.id, scope, resources: targetedIdentifiers(target) },
      ctx,
    )
    return ctx.stores.transaction(async (tx): Promise<TokenResponse> => {
      await tx.grants.create(grant)
      return issueGrantTokens(tx, { client: ctx.client, grant, scope, target, dpopJkt: ctx.dpopJkt }, ctx)
    })
  },
}
