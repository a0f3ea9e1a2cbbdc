// The admin API's OpenAPI 3.1 document, written from the operations themselves: each path, method and scope
// comes from the table the routes are registered from (routes.ts), each schema from the operation that parses
// with it (operations.ts), so the document cannot describe another API than the one served. OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod writes.
import { z } from 'zod'
import { ADMIN_SCOPE_DEFINITIONS } from '../admin/scopes.ts'
import type { Config } from '../config.ts'
import { ENDPOINT_PATHS } from '../endpoints/metadata.ts'
import type { AdminOperation } from './operations.ts'
import { ADMIN_ROUTES, type AdminRoute } from './routes.ts'

/** Where the document is served, under the issuer. */
export const ADMIN_OPENAPI_PATH = '/admin/openapi.json'

/** RFC 7396 §4: the media type of a JSON merge patch, which every PATCH operation of the admin API takes. */
export const MERGE_PATCH_MEDIA_TYPE = 'application/merge-patch+json'

const SECURITY_SCHEME = 'keywardAdmin'

/** A schema as JSON Schema 2020-12, without its `$schema` (the document's jsonSchemaDialect says it). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io })
  return rest
}

const errorSchema = {
  type: 'object',
  description: 'An error as RFC 6749 §5.2 shapes it; 404 and 409 use invalid_request',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  required: ['error', 'error_description'],
  additionalProperties: false,
}

const REFUSALS: Readonly<Record<number, string>> = {
  400: 'The request is not valid (invalid_request, or a registration refusal of RFC 7591 §3.2.2)',
  401: 'No access token, or one the admin API does not take (invalid_token, with a Bearer challenge)',
  403: 'The access token lacks the scope (insufficient_scope, with a Bearer challenge naming it)',
  404: 'There is no such record',
  409: 'The record exists already',
}

const errorResponse = (status: number) => ({
  description: REFUSALS[status],
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
}

function queryParameters(query: z.ZodObject | undefined) {
  if (query === undefined) return []
  const { properties = {}, required = [] } = jsonSchema(query, 'input') as {
    properties?: Record<string, { description?: string }>
    required?: string[]
  }
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(schema.description === undefined ? {} : { description: schema.description }),
    schema,
  }))
}

/** What a body may be sent as: JSON, and a PATCH's also as the merge patch it is. */
const bodyMediaTypes = (route: AdminRoute) =>
  route.method === 'PATCH' ? ['application/json', MERGE_PATCH_MEDIA_TYPE] : ['application/json']

function describeOperation(route: AdminRoute, operation: AdminOperation) {
  const { answer, body } = operation
  return {
    operationId: route.id,
    summary: operation.summary,
    security: [{ [SECURITY_SCHEME]: [route.scope] }],
    parameters: [...pathParameters(route.path), ...queryParameters(operation.query)],
    ...(body === undefined
      ? {}
      : {
          requestBody: {
            required: false,
            content: Object.fromEntries(
              bodyMediaTypes(route).map((type) => [type, { schema: jsonSchema(body, 'input') }]),
            ),
          },
        }),
    responses: {
      [answer.status]:
        answer.schema === undefined
          ? { description: 'Done' }
          : {
              description: 'Done',
              content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } },
            },
      ...Object.fromEntries([400, 401, 403, ...operation.refusals].map((s) => [s, errorResponse(s)])),
    },
  }
}

/** The OpenAPI 3.1 document of the admin API of this server; it loads the operations (operations.ts). */
export async function adminOpenApiDocument(config: Config): Promise<object> {
  const { ADMIN_OPERATIONS } = await import('./operations.ts')
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of ADMIN_ROUTES) {
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: describeOperation(route, ADMIN_OPERATIONS[route.id]),
    }
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Keyward admin API',
      version: '1',
      description:
        'Clients, users, resources, grants, sessions and signing keys, as `keyward` manages them from the command ' +
        'line. Authenticate with an access token from the client credentials grant of a client made by ' +
        '`keyward admin create-client`. Errors are RFC 6749 §5.2 JSON: {"error", "error_description"}.',
    },
    servers: [{ url: config.issuer }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'oauth2',
          description: 'Client credentials of an admin client (keyward admin create-client); Bearer tokens',
          flows: {
            clientCredentials: {
              tokenUrl: `${config.issuer}${ENDPOINT_PATHS.token}`,
              scopes: Object.fromEntries(
                ADMIN_SCOPE_DEFINITIONS.map((scope) => [scope.name, scope.description]),
              ),
            },
          },
        },
      },
    },
  }
}
