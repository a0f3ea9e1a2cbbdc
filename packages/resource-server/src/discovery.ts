import { IssuerError } from './errors.ts'
import { fetchJson, isObject } from './fetch-json.ts'
import type { Settings } from './options.ts'
import { secureUrl } from './secure-url.ts'

/** The parts of the RFC 8414 metadata a resource server uses. */
export interface IssuerMetadata {
  readonly jwksUri: string | undefined
  readonly introspectionEndpoint: string | undefined
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
export function metadataUrl(issuer: string): string {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return `${url.origin}/.well-known/oauth-authorization-server${path}`
}

function endpoint(metadata: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = metadata[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new IssuerError(`issuer metadata ${name} is not a string`)
  try {
    return secureUrl(name, value).href
  } catch (cause) {
    throw new IssuerError(`issuer metadata ${name} is not a usable URL`, { cause })
  }
}

export async function discover(settings: Settings): Promise<IssuerMetadata> {
  const url = metadataUrl(settings.issuer)
  const answer = await fetchJson('issuer metadata', url, {}, settings.timeoutMs)
  if (answer.status !== 200) throw new IssuerError(`issuer metadata at ${url} answered HTTP ${answer.status}`)
  if (!isObject(answer.body)) throw new IssuerError(`issuer metadata at ${url} is not a JSON object`)
  // RFC 8414 §3.3: metadata naming another issuer must not be used (it could point at an attacker's keys)
  if (answer.body.issuer !== settings.issuer) {
    throw new IssuerError(`issuer metadata at ${url} names issuer ${String(answer.body.issuer)}`)
  }
  return {
    jwksUri: endpoint(answer.body, 'jwks_uri'),
    introspectionEndpoint: endpoint(answer.body, 'introspection_endpoint'),
  }
}
