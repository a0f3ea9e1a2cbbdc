// The admin API as the tests call it: a token from the client credentials grant of an admin client, JSON calls,
// and the OpenAPI document the server serves, against which requests and answers are checked (JSON Schema 2020-12
// by Ajv, which nobody here wrote).
import assert from 'node:assert/strict'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { createAdminClient } from '../../src/core/index.ts'
import type { CoreContext } from '../../src/core/index.ts'
import { type Issuer, type RegisteredClient, clientCredentials, tokensOf } from './oauth-client.ts'

/** An admin client registered as `keyward admin create-client` registers it. */
export async function adminClient(
  server: { readonly core: CoreContext },
  write = true,
): Promise<RegisteredClient> {
  return createAdminClient('Deployment pipeline', { write }, server.core)
}

/** An access token of `registered` from the client credentials grant. */
export async function tokenOf(server: Issuer, registered: RegisteredClient, scope?: string): Promise<string> {
  return tokensOf(await clientCredentials(server, registered, scope)).accessToken
}

export interface AdminReply {
  readonly status: number
  readonly headers: Headers
  readonly json: unknown
}

/** One call of the admin API: JSON body when given, Bearer token when given. */
export async function adminCall(
  server: Issuer,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminReply> {
  const response = await fetch(`${server.issuer}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) }
}

type Schema = Record<string, unknown>
interface Document {
  readonly paths: Record<string, Record<string, Schema>>
  readonly components: { readonly schemas: Record<string, Schema> }
}

/** The served OpenAPI document, and checks of bodies against the schemas it gives each operation. */
export async function servedDocument(server: Issuer) {
  const document = (await (await fetch(`${server.issuer}/admin/openapi.json`)).json()) as Document
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema({ $id: 'keyward-admin', components: document.components })
  const operation = (method: string, template: string) => {
    const found = document.paths[template]?.[method.toLowerCase()]
    assert.ok(found, `the document describes ${method} ${template}`)
    return found as {
      requestBody?: { content: { 'application/json': { schema: Schema } } }
      responses: Record<string, { content?: { 'application/json': { schema: Schema } } }>
    }
  }
  // The Error schema is referenced from the components.
  const compile = (schema: Schema) =>
    ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"keyward-admin#/components/')),
    )
  const check = (schema: Schema | undefined, value: unknown, what: string) => {
    assert.ok(schema, `the document has a schema for ${what}`)
    const validate = compile(schema)
    return { valid: validate(value), errors: validate.errors }
  }
  return {
    document,
    /** Whether the document's request body schema of the operation accepts `body`. */
    acceptsRequest(method: string, template: string, body: unknown): boolean {
      const schema = operation(method, template).requestBody?.content['application/json'].schema
      return check(schema, body, `${method} ${template} request`).valid
    },
    /** Asserts that the reply is one the document lists for the operation, with a body its schema accepts. */
    assertAnswer(method: string, template: string, reply: AdminReply): void {
      const response = operation(method, template).responses[String(reply.status)]
      assert.ok(response, `the document lists ${reply.status} for ${method} ${template}`)
      const schema = response.content?.['application/json'].schema
      if (schema === undefined) {
        assert.equal(reply.json, null, `${method} ${template} ${reply.status} has no body`)
        return
      }
      const { valid, errors } = check(schema, reply.json, `${method} ${template} ${reply.status}`)
      assert.ok(valid, `${method} ${template}: ${JSON.stringify(errors)} in ${JSON.stringify(reply.json)}`)
    },
  }
}
