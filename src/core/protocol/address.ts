import ipaddr from 'ipaddr.js'

/** An IPv4 address as ipaddr writes one: four decimal parts from 0 to 255, without leading zeros. */
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/**
 * Whom attempts from an address are counted against. An IPv4 address (also when written IPv4-mapped, ::ffff:a.b.c.d)
 * is one subscriber; an IPv6 address is counted by its /64, since a subscriber holds at least a whole /64
 * (RFC 6177 §2) and could otherwise try from 2^64 addresses. Anything else is counted as it is.
 */
export function attemptSource(address: string): string {
  // The common case, every client authentication: ipaddr would parse it only to give the same string back.
  if (CANONICAL_IPV4.test(address)) return address
  if (!(ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address))) return address
  const parsed = ipaddr.process(address)
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16))
  return `${network.join(':')}::/64`
}

/** Names of address ranges that proxy lists may use, as @fastify/proxy-addr understands them. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** A proxy address as the configuration accepts it: an IP address, a CIDR range, or a named range. */
export function isProxyAddress(value: string): boolean {
  return (
    NAMED_RANGES.has(value) ||
    ipaddr.IPv4.isValidFourPartDecimal(value) ||
    ipaddr.IPv4.isValidCIDRFourPartDecimal(value) ||
    ipaddr.IPv6.isValid(value) ||
    ipaddr.IPv6.isValidCIDR(value)
  )
}
