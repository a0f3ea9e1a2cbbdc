const LOOPBACK_HOSTS = new Set(['localhost', '[::1]'])

const isLoopback = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname)

/** Keys and token answers fetched over plain HTTP could be forged in transit: https, or http on loopback. */
export function secureUrl(name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new TypeError(`${name} must use https (plain http is allowed only on loopback): ${value}`)
  }
  return url
}
