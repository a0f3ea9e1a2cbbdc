/**
 * Loopback hosts: 127.0.0.0/8, [::1] and `localhost`. They never leave the machine, so plain http is
 * acceptable there (RFC 8252 §7.3, §8.3). Takes a WHATWG URL `hostname`, which is already normalised
 * (lower case, `127.1` → `127.0.0.1`, IPv6 compressed and bracketed).
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
