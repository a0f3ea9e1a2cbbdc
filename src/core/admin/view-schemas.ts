// The zod schemas of what operators see of each record (views.ts fills them): the admin API's answers and its
// OpenAPI document are written from them. Building them costs memory, so only the admin API imports them
// (src/core/admin-api), which loads at its first use (issue #14).
import { z } from 'zod'
import { ADDRESS_PARTS, BOOLEAN_CLAIMS, TEXT_CLAIMS } from '../oidc/person-claims.ts'

const timestamp = z.iso.datetime().describe('RFC 3339 date and time, UTC')
const seconds = z.number().int().positive()

export const lifetimesView = z
  .strictObject({
    accessToken: seconds.optional(),
    refreshIdle: seconds.optional(),
    refreshAbsolute: seconds.optional(),
  })
  .describe("Lifetimes in seconds; one left out is the server's default")

export const clientView = z.strictObject({
  client_id: z.string(),
  client_name: z.string(),
  client_type: z.enum(['confidential', 'public']),
  token_endpoint_auth_method: z.enum([
    'client_secret_basic',
    'client_secret_post',
    'client_secret_jwt',
    'private_key_jwt',
    'none',
  ]),
  jwks_uri: z.string().optional(),
  grant_types: z.array(z.string()),
  redirect_uris: z.array(z.string()),
  scope: z.string(),
  default_scope: z.string(),
  legacy_flows: z.array(z.enum(['implicit', 'password'])),
  access_token_format: z.enum(['jwt', 'opaque']),
  can_introspect: z.boolean(),
  require_pushed_authorization_requests: z.boolean(),
  require_signed_request_object: z.boolean(),
  security_profile: z.enum(['fapi2']).nullable(),
  default_resources: z.array(z.string()),
  dpop_bound_access_tokens: z.boolean(),
  subject_type: z.enum(['public', 'pairwise']),
  sector_identifier_uri: z.string().nullable(),
  id_token_signed_response_alg: z.enum(['RS256', 'ES256', 'EdDSA']),
  lifetimes: lifetimesView,
  post_logout_redirect_uris: z.array(z.string()),
  backchannel_logout_uri: z.string().nullable(),
  backchannel_logout_session_required: z.boolean(),
  created_at: timestamp,
  registered_dynamically: z.boolean(),
  first_used_at: timestamp.nullable().optional(),
})

export const resourceView = z.strictObject({
  resource: z.string(),
  resource_name: z.string(),
  scopes_supported: z.array(z.string()),
  access_token_format: z.enum(['jwt', 'opaque']).nullable(),
  access_token_lifetime: seconds.nullable(),
  metadata_url: z.string().nullable(),
  created_at: timestamp,
})

/** One optional member of the same schema for each name. */
export const optionalMembers = <K extends string, T extends z.ZodType>(names: readonly K[], schema: T) =>
  Object.fromEntries(names.map((name) => [name, schema.optional()])) as Record<K, z.ZodOptional<T>>

export const claimsView = z
  .strictObject({
    ...optionalMembers(TEXT_CLAIMS, z.string()),
    ...optionalMembers(BOOLEAN_CLAIMS, z.boolean()),
    updated_at: z.number().int().optional().describe('When a claim last changed, in seconds since the epoch'),
    address: z.strictObject(optionalMembers(ADDRESS_PARTS, z.string())).optional(),
  })
  .describe('OpenID Connect Core §5.1 claims, as UserInfo releases them by scope; those not set are left out')

export const userView = z.strictObject({
  id: z.string(),
  username: z.string(),
  created_at: timestamp,
  claims: claimsView,
})

export const grantView = z.strictObject({
  id: z.string(),
  client_id: z.string(),
  client_name: z.string().nullable(),
  user_id: z.string(),
  scope: z.string(),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
  revoked_reason: z.string().nullable(),
})

export const sessionView = z
  .strictObject({ signed_in_at: timestamp, expires_at: timestamp })
  .describe('A sign-in session: when it began and ends, never its id')

export const keyView = z.strictObject({
  kid: z.string(),
  alg: z.enum(['ES256', 'EdDSA', 'RS256']),
  status: z.enum(['signing', 'retired']),
  created_at: timestamp,
  published_until: timestamp.nullable(),
})
