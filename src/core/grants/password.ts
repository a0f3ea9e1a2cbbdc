import { InvalidGrant } from '../errors.ts'
import { newGrant } from '../model/new-grant.ts'
import type { TokenResponse } from '../model/token.ts'
import { required } from '../protocol/params.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { authenticateUser } from '../sign-in.ts'
import { issueGrantTokens } from '../tokens/issue.ts'
import type { GrantHandler } from './grant-handler.ts'

interface PasswordInput {
  readonly username: string
  readonly password: string
  readonly scope: readonly string[]
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
  parameters: ['username', 'password', 'scope'],

  parse(params) {
    return {
      username: required(params, 'username'),
      password: required(params, 'password'),
      scope: parseScope(params.get('scope')),
    }
  },

  async issue(input, ctx) {
    const scope = resolveScope(input.scope, ctx.client.scopes, ctx.client.defaultScopes)
    const user = await authenticateUser({ ...input, address: ctx.address }, ctx)
    if (user === null) throw new InvalidGrant(FAILED)
    const grant = newGrant({ clientId: ctx.client.id, userId: user.id, scope }, ctx)
    return ctx.stores.transaction(async (tx): Promise<TokenResponse> => {
      await tx.grants.create(grant)
      return issueGrantTokens(tx, { client: ctx.client, grant, scope, dpopJkt: ctx.dpopJkt }, ctx)
    })
  },
}
