import type { Client } from '../../model/client.ts'
import { profileOf, type SecurityProfile } from '../../profiles/index.ts'
import { type RedirectUriDefect, redirectUriDefects } from '../../protocol/redirect-uri.ts'
import type { LifetimeDefaults } from '../../tokens/lifetimes.ts'

export interface ScopeDefinition {
  readonly name: string
  readonly description: string
}

export interface LintInput {
  readonly issuer: string
  readonly clients: readonly Client[]
  readonly scopes: readonly ScopeDefinition[]
  readonly defaults: LifetimeDefaults
}

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  /** The stable id of the rule that found it, e.g. `legacy-implicit-enabled`. */
  readonly id: string
  readonly severity: Severity
  /** The client concerned, or null for a server-wide finding. */
  readonly clientId: string | null
  /** Why this is a problem. */
  readonly message: string
  readonly fix: string
}

/** What a rule reports; the linter stamps the rule's id on it so that ids cannot drift. */
export type RuleFinding = Omit<Finding, 'id'>

export interface LintRule {
  readonly id: string
  readonly check: (input: LintInput) => readonly RuleFinding[]
}

/** Runs a per-client check over every client; null means the client passes. */
export function eachClient(
  input: LintInput,
  check: (client: Client) => RuleFinding | null,
): readonly RuleFinding[] {
  return input.clients.flatMap((client) => check(client) ?? [])
}

/** Runs a per-URI check over every registered redirect URI of every client. */
export function eachRedirectUri(
  input: LintInput,
  check: (uri: string, client: Client) => RuleFinding | null,
): readonly RuleFinding[] {
  return input.clients.flatMap((client) => client.redirectUris.flatMap((uri) => check(uri, client) ?? []))
}

/**
 * A rule that reports one defect found by the redirect-URI check (src/core/protocol/redirect-uri.ts) as an error,
 * so that lint and registration judge a URI by the same code.
 */
export function redirectUriDefectRule(
  id: string,
  defect: RedirectUriDefect,
  explain: (uri: string) => { readonly message: string; readonly fix: string },
): LintRule {
  return {
    id,
    check: (input) =>
      eachRedirectUri(input, (uri, client) =>
        redirectUriDefects(uri).includes(defect)
          ? { severity: 'error', clientId: client.id, ...explain(uri) }
          : null,
      ),
  }
}

/** Runs a check over every client held to a security profile (src/core/profiles/), with that profile. */
export function eachProfiledClient(
  input: LintInput,
  check: (client: Client, profile: SecurityProfile) => RuleFinding | null,
): readonly RuleFinding[] {
  return input.clients.flatMap((client) => {
    const profile = profileOf(client)
    return profile === null ? [] : (check(client, profile) ?? [])
  })
}
