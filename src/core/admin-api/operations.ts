// The admin API's operations (DESIGN §9), one for each route of routes.ts (which says its method, path and
// scope): what it accepts and answers (zod schemas, from which openapi.ts writes the document), and what it does:
// a call of the same service of src/core/admin that the CLI calls, so that a rule is written once. Building the
// schemas costs memory, so this module is loaded at the admin API's first use (endpoint.ts, openapi.ts).
import { z } from 'zod'
import { changeClientLogout, createClient, deleteClient, rotateClientSecret } from '../admin/clients.ts'
import { grantsOf, revokeGrant } from '../admin/grants.ts'
import { rotateKeys } from '../admin/keys.ts'
import { createResource, deleteResource } from '../admin/resources.ts'
import {
  changePassword,
  changeUserClaims,
  createUser,
  deleteUser,
  endSessions,
  unlockSignIn,
} from '../admin/users.ts'
import { liveSessionsOf } from '../sessions.ts'
import { clientView, grantView, keyView, resourceView, sessionView, userView } from '../admin/view-schemas.ts'
import {
  describeClient,
  describeGrant,
  describeKey,
  describeResource,
  describeSession,
  describeUser,
} from '../admin/views.ts'
import { ClientRegistrationError } from '../client-registration.ts'
import type { CoreContext } from '../context.ts'
import { InvalidRequest } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { changeClaims } from '../oidc/person-claims.ts'
import { passwordProblem } from '../users.ts'
import { refusal } from '../registration/endpoint.ts'
import { ResourceRegistrationError } from '../resources/registration.ts'
import { jsonResult } from '../results.ts'
import {
  claimChangesOf,
  clientInput,
  clientLogoutChangesOf,
  clientLogoutInput,
  clientRegistrationOf,
  grantQuery,
  parsed,
  passwordInput,
  resourceInput,
  resourceRegistrationOf,
  revocationInput,
  userInput,
  userPatch,
  userQuery,
} from './inputs.ts'
import type { AdminOperationId } from './routes.ts'

/** A request to the admin API as the HTTP edge read it: path parameters decoded, query and JSON body as sent. */
export interface AdminInput {
  readonly path: Readonly<Record<string, string>>
  readonly query: unknown
  readonly body: unknown
}

/** One operation of the admin API, served at its route (routes.ts). */
export interface AdminOperation {
  readonly summary: string
  readonly query?: z.ZodObject
  readonly body?: z.ZodType
  /** The success answer: its status, and its body's schema (none for 204). */
  readonly answer: { readonly status: 200 | 201 | 204; readonly schema?: z.ZodType }
  /** Refusals it may answer besides those of every operation (400, 401, 403). */
  readonly refusals: readonly (404 | 409)[]
  readonly run: (input: AdminInput, ctx: CoreContext) => Promise<EndpointResult>
}

/** An operation whose run sees its query and body parsed by their schemas (a missing body is an empty object). */
function operation<Q extends z.ZodObject = z.ZodObject, B extends z.ZodType = z.ZodType>(
  spec: Omit<AdminOperation, 'run' | 'query' | 'body' | 'refusals'> & {
    readonly query?: Q
    readonly body?: B
    readonly refusals?: readonly (404 | 409)[]
    readonly run: (
      input: { path: Readonly<Record<string, string>>; query: z.output<Q>; body: z.output<B> },
      ctx: CoreContext,
    ) => Promise<EndpointResult>
  },
): AdminOperation {
  return {
    ...spec,
    refusals: spec.refusals ?? [],
    run: (input, ctx) =>
      spec.run(
        {
          path: input.path,
          query: (spec.query ? parsed(spec.query, input.query ?? {}, 'query') : {}) as z.output<Q>,
          body: (spec.body ? parsed(spec.body, input.body ?? {}, 'body') : undefined) as z.output<B>,
        },
        ctx,
      ),
  }
}

const notFound = (named: string) => new InvalidRequest(`There is no ${named}.`).withStatus(404)

/** The record a path names, or 404. */
function found<T>(record: T | null, named: string): T {
  if (record === null) throw notFound(named)
  return record
}

const param = (input: { path: Readonly<Record<string, string>> }, name: string) => input.path[name] ?? ''

/** A registration refused by its validator, as the RFC 7591 §3.2.2 error registration answers too. */
async function registering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof ClientRegistrationError) throw refusal(error)
    if (error instanceof ResourceRegistrationError) throw new InvalidRequest(error.problems.join(' '))
    throw error
  }
}

const listOf = <K extends string>(key: K, schema: z.ZodType) => z.strictObject({ [key]: z.array(schema) })
const noContent = { kind: 'empty', status: 204 } as const satisfies EndpointResult

export const clientSecretView = z.strictObject({ client_id: z.string(), client_secret: z.string() })
export const createdClientView = clientView.extend({
  client_secret: z.string().optional().describe('A confidential client’s secret, shown once'),
})
const endedView = z.strictObject({
  sessions_ended: z.number().int().min(0),
  grants_revoked: z.number().int().min(0),
})
const revokedView = z.strictObject({
  grant_id: z.string(),
  revoked: z.boolean().describe('False when the grant was revoked already'),
})
const resourceDeletedView = z.strictObject({
  resource: z.string(),
  removed_from_default_resources_of: z.array(z.string()).describe('The clients it was a default resource of'),
})

export const ADMIN_OPERATIONS: Readonly<Record<AdminOperationId, AdminOperation>> = {
  listClients: operation({
    summary: 'List the registered clients',
    answer: { status: 200, schema: listOf('clients', clientView) },
    run: async (_input, ctx) =>
      jsonResult({ clients: (await ctx.stores.clients.list()).map(describeClient) }),
  }),
  createClient: operation({
    summary: 'Register a client, checked as `keyward clients create` checks it; a secret is shown once',
    body: clientInput,
    answer: { status: 201, schema: createdClientView },
    run: async ({ body }, ctx) => {
      const { client, secret } = await registering(() =>
        createClient(clientRegistrationOf(body, ctx.config), ctx),
      )
      return jsonResult(
        { ...describeClient(client), ...(secret === null ? {} : { client_secret: secret }) },
        201,
      )
    },
  }),
  getClient: operation({
    summary: 'Show one client',
    answer: { status: 200, schema: clientView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'client_id')
      return jsonResult(describeClient(found(await ctx.stores.clients.get(id), `client ${id}`)))
    },
  }),
  updateClientLogout: operation({
    summary: "Change a client's logout settings, checked as registration checks them; those left out stay",
    body: clientLogoutInput,
    answer: { status: 200, schema: clientView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'client_id')
      const client = found(await ctx.stores.clients.get(id), `client ${id}`)
      const changes = clientLogoutChangesOf(input.body)
      return jsonResult(describeClient(await registering(() => changeClientLogout(client, changes, ctx))))
    },
  }),
  deleteClient: operation({
    summary: 'Delete a client with every code, grant and token issued to it',
    answer: { status: 204 },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'client_id')
      if (!(await deleteClient(id, ctx))) throw notFound(`client ${id}`)
      return noContent
    },
  }),
  rotateClientSecret: operation({
    summary: 'Give a confidential client a new secret, shown once; the old one stops working at once',
    answer: { status: 200, schema: clientSecretView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'client_id')
      const client = found(await ctx.stores.clients.get(id), `client ${id}`)
      if (client.type !== 'confidential')
        throw new InvalidRequest(`${id} is a public client: it has no secret.`)
      return jsonResult({ client_id: id, client_secret: await rotateClientSecret(client, ctx) })
    },
  }),
  listUsers: operation({
    summary: 'List the people who sign in; the one of a username when username is given',
    query: userQuery,
    answer: { status: 200, schema: listOf('users', userView) },
    run: async ({ query }, ctx) => {
      const { users } = ctx.stores
      // The CLI names people by username: a pipeline finds the id of one the same way.
      const listed =
        query.username === undefined ? await users.list() : [await users.getByUsername(query.username)]
      return jsonResult({ users: listed.filter((user) => user !== null).map(describeUser) })
    },
  }),
  createUser: operation({
    summary:
      'Create a user with a password and OpenID Connect claims, checked as `keyward users create` checks them',
    body: userInput,
    answer: { status: 201, schema: userView },
    refusals: [409],
    run: async ({ body }, ctx) => {
      const claims = changeClaims({}, claimChangesOf(body.claims), ctx.clock.now())
      return jsonResult(describeUser(await createUser(body.username, body.password, claims, ctx)), 201)
    },
  }),
  getUser: operation({
    summary: 'Show one user',
    answer: { status: 200, schema: userView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      return jsonResult(describeUser(found(await ctx.stores.users.get(id), `user ${id}`)))
    },
  }),
  updateUser: operation({
    summary:
      "Change a user's OpenID Connect claims as `keyward users update` does (RFC 7396 merge patch: a claim left " +
      'out stays, null removes it)',
    body: userPatch,
    answer: { status: 200, schema: userView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      const user = await changeUserClaims(id, claimChangesOf(input.body.claims), ctx)
      return jsonResult(describeUser(found(user, `user ${id}`)))
    },
  }),
  deleteUser: operation({
    summary: 'Delete a user with their sessions, grants, tokens and consents',
    answer: { status: 204 },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      if (!(await deleteUser(id, ctx))) throw notFound(`user ${id}`)
      return noContent
    },
  }),
  setUserPassword: operation({
    summary: 'Set a new password; unless kept, every session ends and every grant is revoked with its tokens',
    body: passwordInput,
    answer: { status: 200, schema: endedView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      const { password, keep_sessions, keep_tokens } = input.body
      const problem = passwordProblem(password)
      if (problem) throw new InvalidRequest(problem)
      const keep = { sessions: keep_sessions, tokens: keep_tokens }
      const ended = found(await changePassword(id, password, keep, ctx), `user ${id}`)
      return jsonResult({ sessions_ended: ended.sessions, grants_revoked: ended.grants })
    },
  }),
  listUserSessions: operation({
    summary: "A user's live sign-in sessions: when each began and ends, never its id",
    answer: { status: 200, schema: listOf('sessions', sessionView) },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      found(await ctx.stores.users.get(id), `user ${id}`)
      return jsonResult({ sessions: (await liveSessionsOf(id, ctx)).map(describeSession) })
    },
  }),
  endUserSessions: operation({
    summary: 'Sign a user out everywhere: each browser signs in again; grants stay',
    answer: { status: 200, schema: endedView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      found(await ctx.stores.users.get(id), `user ${id}`)
      return jsonResult({ sessions_ended: await endSessions(id, ctx), grants_revoked: 0 })
    },
  }),
  unlockUser: operation({
    summary:
      'End the waits failed sign-ins put on the username, at every address and on every node, as `keyward users ' +
      'unlock` does',
    answer: { status: 204 },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'user_id')
      await unlockSignIn(found(await ctx.stores.users.get(id), `user ${id}`), ctx)
      return noContent
    },
  }),
  listResources: operation({
    summary: 'List the registered resources (RFC 8707)',
    answer: { status: 200, schema: listOf('resources', resourceView) },
    run: async (_input, ctx) =>
      jsonResult({
        resources: (await ctx.stores.resources.list()).map((r) => describeResource(r, ctx.config.issuer)),
      }),
  }),
  createResource: operation({
    summary: 'Register a resource that tokens may be issued for',
    body: resourceInput,
    answer: { status: 201, schema: resourceView },
    run: async ({ body }, ctx) => {
      const resource = await registering(() => createResource(resourceRegistrationOf(body), ctx))
      return jsonResult(describeResource(resource, ctx.config.issuer), 201)
    },
  }),
  getResource: operation({
    summary: 'Show one resource; its identifier percent-encoded in the path',
    answer: { status: 200, schema: resourceView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'resource')
      const resource = found(await ctx.stores.resources.get(id), `resource ${id}`)
      return jsonResult(describeResource(resource, ctx.config.issuer))
    },
  }),
  deleteResource: operation({
    summary:
      "Delete a resource and take it off clients' defaults; tokens issued for it live until they expire",
    answer: { status: 200, schema: resourceDeletedView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'resource')
      const clients = found(await deleteResource(id, ctx), `resource ${id}`)
      return jsonResult({ resource: id, removed_from_default_resources_of: clients })
    },
  }),
  listGrants: operation({
    summary: "A user's grants, live and revoked; to one client (its id or name) when client is given",
    query: grantQuery,
    answer: { status: 200, schema: listOf('grants', grantView) },
    refusals: [404],
    run: async ({ query }, ctx) => {
      found(await ctx.stores.users.get(query.user_id), `user ${query.user_id}`)
      return jsonResult({ grants: (await grantsOf(query.user_id, query.client, ctx)).map(describeGrant) })
    },
  }),
  revokeGrant: operation({
    summary:
      'Revoke a grant: its refresh and opaque access tokens stop at once; a JWT access token stays valid at ' +
      'an API that verifies it locally until it expires',
    body: revocationInput,
    answer: { status: 200, schema: revokedView },
    refusals: [404],
    run: async (input, ctx) => {
      const id = param(input, 'grant_id')
      const grant = found(await ctx.stores.grants.get(id), `grant ${id}`)
      const revoked = await revokeGrant(grant, { forgetConsent: input.body.forget_consent }, ctx)
      return jsonResult({ grant_id: id, revoked })
    },
  }),
  listKeys: operation({
    summary: 'The published signing keys, newest first',
    answer: { status: 200, schema: listOf('keys', keyView) },
    run: async (_input, ctx) =>
      jsonResult({ keys: (await ctx.stores.keys.listPublished(ctx.clock.now())).map(describeKey) }),
  }),
  rotateKeys: operation({
    summary: 'Make a new signing key; the old ones stay published until the tokens they signed expire',
    answer: { status: 201, schema: keyView },
    run: async (_input, ctx) => {
      const { key } = await rotateKeys(ctx)
      // This node signs with the new key at once; the others reload on the key change feed or within a minute.
      await ctx.keys.reload()
      return jsonResult(describeKey(key), 201)
    },
  }),
}
