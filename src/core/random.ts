/** Randomness is injected so that tests can make it predictable where they need to. */
export interface Random {
  bytes(n: number): Uint8Array
}

/** 256 bits of randomness, base64url: the shape of every token, code and secret Keyward makes. */
export function randomToken(random: Random, bytes = 32): string {
  return Buffer.from(random.bytes(bytes)).toString('base64url')
}

/**
 * 127 random bits, base64url: the id of a client, user or grant. Operators type ids as command-line arguments
 * (`keyward clients show ID`), where one starting with '-' would read as an option: the first byte's top bit is
 * cleared, so the first character is one of A-Z and a-f.
 */
export function randomId(random: Random): string {
  const bytes = Uint8Array.from(random.bytes(16))
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return Buffer.from(bytes).toString('base64url')
}
