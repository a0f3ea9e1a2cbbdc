import ipaddr from 'ipaddr.js'

/**
 * The ranges (ipaddr.js names) the operator's development switch opens: their own machine and private networks.
 * Link-local stays closed even then: 169.254.169.254 is where clouds serve instance credentials.
 */
const DEVELOPMENT_RANGES = new Set(['loopback', 'private', 'uniqueLocal'])

/**
 * Why Keyward will not connect to this IP address, or null when it may: only globally routable unicast addresses
 * are reachable (ipaddr.js's `unicast` range). Every other range is refused: private, loopback, link-local,
 * unique-local, multicast, broadcast, unspecified, carrier-grade NAT, documentation and benchmarking, reserved, and
 * the IPv6 forms that carry an IPv4 address inside (6to4, Teredo, NAT64), which could reach any of those. An
 * IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it is.
 */
export function addressProblem(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return 'it is not an IP address'
  const range = ipaddr.process(address).range()
  if (range === 'unicast') return null
  if (allowPrivate && DEVELOPMENT_RANGES.has(range)) return null
  return `it is not a public address (${range})`
}

/** An IP literal in a URL's host (brackets removed), or null for a name. WHATWG URL already wrote 0x7f.1 as 127.0.0.1. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  return ipaddr.isValid(bare) ? bare : null
}
