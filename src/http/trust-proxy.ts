import type { Config } from '../core/index.ts'

/**
 * Fastify's trustProxy for the configured proxies. A number of hops becomes a function of the hop, since Fastify
 * reads a bare number as trusting nothing (a hop count cannot tell a proxy from a client that reached Keyward
 * directly: README, Behind a proxy); addresses and ranges go to @fastify/proxy-addr as they are.
 */
export function trustedProxies(
  trust: Config['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust
  return trust
}
