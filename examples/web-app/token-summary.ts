import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Tokens } from './sessions.ts'

// What the page may show about the tokens: decoded claims and a hint, never a token value.
export interface TokenSummary {
  readonly tokenType: string
  readonly scope?: string
  readonly expiresIn?: number
  readonly claims?: { readonly header: unknown; readonly payload: unknown }
  readonly refreshTokenHint?: string
}

// Decoded for display only, not verified: to a client the access token is opaque; the API it is meant for verifies it.
function decodeClaims(accessToken: string): TokenSummary['claims'] {
  try {
    return { header: decodeProtectedHeader(accessToken), payload: decodeJwt(accessToken) }
  } catch {
    return undefined
  }
}

export function summarizeTokens(tokens: Tokens): TokenSummary {
  const claims = decodeClaims(tokens.accessToken)
  return {
    tokenType: tokens.tokenType,
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    ...(tokens.expiresIn === undefined ? {} : { expiresIn: tokens.expiresIn }),
    ...(claims === undefined ? {} : { claims }),
    ...(tokens.refreshToken === undefined ? {} : { refreshTokenHint: `${tokens.refreshToken.slice(0, 6)}…` }),
  }
}
