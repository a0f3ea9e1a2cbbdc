// What the admin API accepts, as zod schemas: the routes parse with them and the OpenAPI document is generated
// from them (openapi.ts), so the two cannot disagree. Unknown members are refused (strict objects).
import { z } from 'zod'
import type { ClientRegistration } from '../client-registration.ts'
import type { Config } from '../config.ts'
import { InvalidRequest } from '../errors.ts'
import type { ClientLogoutChanges } from '../admin/clients.ts'
import { lifetimesView, optionalMembers } from '../admin/view-schemas.ts'
import { ADDRESS_PARTS, BOOLEAN_CLAIMS, type ClaimChanges, TEXT_CLAIMS } from '../oidc/person-claims.ts'
import type { ResourceRegistration } from '../resources/registration.ts'

const list = z.array(z.string().min(1).max(2000)).max(100)
const scopeString = z
  .string()
  .max(2000)
  .describe('Space-separated scope names, as on the wire (RFC 6749 §3.3)')

export const clientInput = z.strictObject({
  client_name: z.string().min(1).max(200).describe('The name people see on the consent page'),
  client_type: z.enum(['confidential', 'public']).default('confidential'),
  grant_types: list.default(['authorization_code', 'refresh_token']),
  redirect_uris: list.default([]),
  scope: scopeString.optional().describe('The scopes it may ask for; left out: every configured scope'),
  default_scope: scopeString.optional().describe('Granted when a request names none; left out: all of scope'),
  token_endpoint_auth_method: z
    .enum(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'])
    .optional(),
  jwks_uri: z.string().max(2000).optional().describe('For private_key_jwt: where it publishes its keys'),
  access_token_format: z.enum(['jwt', 'opaque']).optional(),
  lifetimes: lifetimesView.optional(),
  can_introspect: z.boolean().default(false),
  require_pushed_authorization_requests: z.boolean().default(false),
  default_resources: list.default([]),
  dpop_bound_access_tokens: z.boolean().default(false),
  allow_legacy: z.array(z.enum(['implicit', 'password'])).default([]),
  post_logout_redirect_uris: list.default([]).describe('Where a person may be sent after signing out'),
  backchannel_logout_uri: z.string().max(2000).optional().describe('Where Keyward posts logout tokens'),
  backchannel_logout_session_required: z.boolean().default(false),
  subject_type: z
    .enum(['public', 'pairwise'])
    .optional()
    .describe('The sub it sees: public (default) or pairwise'),
  sector_identifier_uri: z
    .string()
    .max(2000)
    .optional()
    .describe('An https URL of a JSON array listing every redirect URI; its host is the pairwise sector'),
})

const scopes = (value: string) => value.split(' ').filter(Boolean)

/** The members given: an optional member left out stays out (a lifetime left out is the server's default). */
const definedOnly = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>
  }

/** A client as the admin API describes it, as the registration `keyward clients create` makes too. */
export function clientRegistrationOf(
  input: z.output<typeof clientInput>,
  config: Config,
): ClientRegistration {
  return {
    name: input.client_name,
    type: input.client_type,
    grantTypes: input.grant_types,
    redirectUris: input.redirect_uris,
    scopes: input.scope === undefined ? config.scopes.map((scope) => scope.name) : scopes(input.scope),
    ...(input.default_scope === undefined ? {} : { defaultScopes: scopes(input.default_scope) }),
    ...(input.token_endpoint_auth_method === undefined
      ? {}
      : { tokenEndpointAuthMethod: input.token_endpoint_auth_method }),
    ...(input.jwks_uri === undefined ? {} : { jwks: { jwksUri: input.jwks_uri } }),
    ...(input.access_token_format === undefined ? {} : { accessTokenFormat: input.access_token_format }),
    ...(input.lifetimes === undefined ? {} : { lifetimes: definedOnly(input.lifetimes) }),
    canIntrospect: input.can_introspect,
    requirePushedAuthorizationRequests: input.require_pushed_authorization_requests,
    defaultResources: input.default_resources,
    dpopBoundAccessTokens: input.dpop_bound_access_tokens,
    allowLegacy: input.allow_legacy,
    postLogoutRedirectUris: input.post_logout_redirect_uris,
    ...(input.backchannel_logout_uri === undefined
      ? {}
      : { backchannelLogoutUri: input.backchannel_logout_uri }),
    backchannelLogoutSessionRequired: input.backchannel_logout_session_required,
    ...(input.subject_type === undefined ? {} : { subjectType: input.subject_type }),
    ...(input.sector_identifier_uri === undefined
      ? {}
      : { sectorIdentifierUri: input.sector_identifier_uri }),
  }
}

export const clientLogoutInput = z.strictObject({
  post_logout_redirect_uris: list.optional(),
  backchannel_logout_uri: z.string().max(2000).nullable().optional().describe('null: none'),
  backchannel_logout_session_required: z.boolean().optional(),
})

/** The logout settings given, as changes: one left out stays as it is (`keyward clients update`). */
export function clientLogoutChangesOf(input: z.output<typeof clientLogoutInput>): ClientLogoutChanges {
  const { post_logout_redirect_uris, backchannel_logout_uri, backchannel_logout_session_required } = input
  return {
    ...(post_logout_redirect_uris === undefined ? {} : { postLogoutRedirectUris: post_logout_redirect_uris }),
    ...(backchannel_logout_uri === undefined ? {} : { backchannelLogoutUri: backchannel_logout_uri }),
    ...(backchannel_logout_session_required === undefined
      ? {}
      : { backchannelLogoutSessionRequired: backchannel_logout_session_required }),
  }
}

const password = z.string().min(1).max(1024)

// The claims as UserInfo shows them (Core §5.1), without updated_at, which Keyward keeps. Only their types here:
// what a value must look like is changeClaims's to say (src/core/oidc/person-claims.ts), for the CLI and the API.
const claimText = z.string().min(1, 'empty: leave the claim out (or null, to remove it)')
const claimsInput = z
  .strictObject({
    ...optionalMembers(TEXT_CLAIMS, claimText),
    ...optionalMembers(BOOLEAN_CLAIMS, z.boolean()),
    address: z.strictObject(optionalMembers(ADDRESS_PARTS, claimText)).optional(),
  })
  .describe('OpenID Connect Core §5.1 claims (UserInfo releases them by scope)')

/** RFC 7396 JSON Merge Patch of the claims: a member left out stays, null removes it, address merges by part. */
const claimsPatch = z
  .strictObject({
    ...optionalMembers(TEXT_CLAIMS, claimText.nullable()),
    ...optionalMembers(BOOLEAN_CLAIMS, z.boolean().nullable()),
    address: z.strictObject(optionalMembers(ADDRESS_PARTS, claimText.nullable())).nullable().optional(),
  })
  .describe('Claims to change (RFC 7396 merge patch): one left out stays, null removes it')

export const userInput = z.strictObject({
  username: z.string().min(1).max(255),
  password,
  claims: claimsInput.default({}),
})

export const userQuery = z.strictObject({
  username: z.string().min(1).max(255).optional().describe('Only the user of this username'),
})

export const userPatch = z.strictObject({ claims: claimsPatch.default({}) })

/**
 * Claims given in JSON (a new user's, or a merge patch) as the changes `keyward users update` makes from its
 * options, so that changeClaims checks both alike: a value as its text, a removal as "" .
 */
export function claimChangesOf(claims: z.output<typeof claimsPatch>): ClaimChanges {
  const changes: Record<string, string> = {}
  const { address, ...named } = claims
  for (const [name, value] of Object.entries(named)) {
    if (value !== undefined) changes[name] = value === null ? '' : String(value)
  }
  for (const part of ADDRESS_PARTS) {
    const value = address === null ? null : address?.[part]
    if (value !== undefined) changes[`address.${part}`] = value ?? ''
  }
  return changes
}

export const passwordInput = z.strictObject({
  password,
  keep_sessions: z.boolean().default(false).describe('Leave browsers signed in'),
  keep_tokens: z.boolean().default(false).describe('Leave applications their grants and tokens'),
})

export const resourceInput = z.strictObject({
  resource: z.string().min(1).max(2000).describe('Its resource indicator (RFC 8707): an absolute URI'),
  resource_name: z.string().min(1).max(200),
  scopes_supported: z.array(z.string().min(1).max(200)).max(100).default([]),
  access_token_format: z.enum(['jwt', 'opaque']).optional(),
  access_token_lifetime: z.number().int().positive().optional(),
  serve_metadata: z.boolean().default(false).describe('Keyward serves its RFC 9728 metadata'),
})

export function resourceRegistrationOf(input: z.output<typeof resourceInput>): ResourceRegistration {
  return {
    identifier: input.resource,
    name: input.resource_name,
    scopes: input.scopes_supported,
    ...(input.access_token_format === undefined ? {} : { accessTokenFormat: input.access_token_format }),
    ...(input.access_token_lifetime === undefined
      ? {}
      : { accessTokenLifetime: input.access_token_lifetime }),
    serveMetadata: input.serve_metadata,
  }
}

export const revocationInput = z.strictObject({
  forget_consent: z.boolean().default(false).describe('Also forget the consent: the person is asked again'),
})

export const grantQuery = z.strictObject({
  user_id: z.string().min(1).max(255).describe('The person whose grants are listed'),
  client: z.string().min(1).max(2000).optional().describe('Only the grants to the client of this id or name'),
})

/** A value read against its schema, or invalid_request naming each member that is wrong. */
export function parsed<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const problems = result.error.issues.map(
    (issue) => `${[what, ...issue.path.map(String)].join('.')}: ${issue.message}`,
  )
  throw new InvalidRequest(`The request is not valid: ${problems.join('; ')}.`)
}
