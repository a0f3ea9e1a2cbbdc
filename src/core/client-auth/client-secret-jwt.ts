import type { Client } from '../model/client.ts'
import { type SealPurpose, unseal } from '../protocol/sealed.ts'
import { type AssertionClaimDeps, assertionFailure, verifyAssertion } from './assertion.ts'

/** RFC 7518 §3.2: the HMAC algorithms a client_secret_jwt assertion may use (OpenID Connect Core §9: HS256 first). */
export const SECRET_ASSERTION_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const

/** The one purpose client secrets are sealed for at rest (src/core/protocol/sealed.ts). */
export const CLIENT_SECRET_SEAL = 'client-secret encryption v1' satisfies SealPurpose

/**
 * OpenID Connect Core §9 client_secret_jwt (RFC 7523 §2.2): the assertion is HMAC-signed with the client's secret,
 * kept sealed for this (architecture §5); its claims are checked as every client assertion's (`verifyAssertion`).
 */
export async function verifySecretAssertion(
  assertion: string,
  client: Client,
  deps: AssertionClaimDeps,
): Promise<void> {
  if (client.encryptedSecret === null) throw assertionFailure('the client has no secret to sign with.')
  let secret: Uint8Array
  try {
    secret = new TextEncoder().encode(unseal(client.encryptedSecret, deps.config.secret, CLIENT_SECRET_SEAL))
  } catch (cause) {
    throw new Error(
      `Cannot decrypt the secret of client ${client.id}: the configured secret is not the one it was encrypted with.`,
      { cause },
    )
  }
  await verifyAssertion(
    client,
    SECRET_ASSERTION_ALGORITHMS,
    // jose is loaded at the first client assertion, not at start (issue #14).
    async (checks) => (await (await import('jose')).jwtVerify(assertion, secret, checks)).payload,
    deps,
  )
}
