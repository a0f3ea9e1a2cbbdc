/** Randomness is injected so that tests can make it predictable where they need to. */
export interface Random {
  bytes(n: number): Uint8Array
}

/** 256 bits of randomness, base64url: the shape of every token, code, secret and id Keyward makes. */
export function randomToken(random: Random, bytes = 32): string {
  return Buffer.from(random.bytes(bytes)).toString('base64url')
}
