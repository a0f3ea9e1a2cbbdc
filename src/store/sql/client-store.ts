import type {
  AccessTokenFormat,
  Client,
  ClientLifetimes,
  ClientType,
  LegacyFlow,
  TokenEndpointAuthMethod,
} from '../../core/model/client.ts'
import type { ClientStore } from '../../core/ports/stores.ts'
import type { Digest } from '../../core/protocol/digest.ts'
import { bool, date, flag, insertSql, list, listText, millis, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type ClientRow = {
  readonly id: string
  readonly name: string
  readonly type: ClientType
  readonly secret_digest: Digest | null
  readonly token_endpoint_auth_method: TokenEndpointAuthMethod
  readonly redirect_uris: string
  readonly grant_types: string
  readonly scopes: string
  readonly default_scopes: string
  readonly legacy_flows: string
  readonly access_token_format: AccessTokenFormat
  readonly access_token_lifetime: number | null
  readonly refresh_idle_lifetime: number | null
  readonly refresh_absolute_lifetime: number | null
  readonly can_introspect: number
  readonly created_at: number
  readonly updated_at: number
}

const columns = [
  'id',
  'name',
  'type',
  'secret_digest',
  'token_endpoint_auth_method',
  'redirect_uris',
  'grant_types',
  'scopes',
  'default_scopes',
  'legacy_flows',
  'access_token_format',
  'access_token_lifetime',
  'refresh_idle_lifetime',
  'refresh_absolute_lifetime',
  'can_introspect',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ClientRow)[]

const updatable = columns.filter((column) => column !== 'id')
const updateSql = `UPDATE clients SET ${updatable.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`

function toRow(client: Client): ClientRow {
  return {
    id: client.id,
    name: client.name,
    type: client.type,
    secret_digest: client.secretDigest,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    redirect_uris: listText(client.redirectUris),
    grant_types: listText(client.grantTypes),
    scopes: listText(client.scopes),
    default_scopes: listText(client.defaultScopes),
    legacy_flows: listText(client.legacyFlows),
    access_token_format: client.accessTokenFormat,
    access_token_lifetime: client.lifetimes.accessToken ?? null,
    refresh_idle_lifetime: client.lifetimes.refreshIdle ?? null,
    refresh_absolute_lifetime: client.lifetimes.refreshAbsolute ?? null,
    can_introspect: flag(client.canIntrospect),
    created_at: millis(client.createdAt),
    updated_at: millis(client.updatedAt),
  }
}

function fromRow(row: ClientRow): Client {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    secretDigest: row.secret_digest,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    redirectUris: list(row.redirect_uris),
    grantTypes: list(row.grant_types),
    scopes: list(row.scopes),
    defaultScopes: list(row.default_scopes),
    legacyFlows: list<LegacyFlow>(row.legacy_flows),
    accessTokenFormat: row.access_token_format,
    lifetimes: lifetimes(row),
    canIntrospect: bool(row.can_introspect),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  }
}

/** A NULL column is a lifetime left to the server default: the key is absent, not undefined. */
function lifetimes(row: ClientRow): ClientLifetimes {
  return {
    ...(row.access_token_lifetime !== null && { accessToken: row.access_token_lifetime }),
    ...(row.refresh_idle_lifetime !== null && { refreshIdle: row.refresh_idle_lifetime }),
    ...(row.refresh_absolute_lifetime !== null && { refreshAbsolute: row.refresh_absolute_lifetime }),
  }
}

export function clientStore(db: SqlDriver): ClientStore {
  return {
    async create(client) {
      await db.run(insertSql('clients', columns), valuesOf(toRow(client), columns))
    },
    async update(client) {
      const row = toRow(client)
      await db.run(updateSql, [...valuesOf(row, updatable), row.id])
    },
    async get(id) {
      const row = await db.get<ClientRow>('SELECT * FROM clients WHERE id = ?', [id])
      return row ? fromRow(row) : null
    },
    async list() {
      return (await db.all<ClientRow>('SELECT * FROM clients ORDER BY created_at, id')).map(fromRow)
    },
    async delete(id) {
      // The schema's ON DELETE CASCADE removes the client's codes, grants, tokens, consents and device codes.
      return (await db.run('DELETE FROM clients WHERE id = ?', [id])).changes > 0
    },
  }
}
