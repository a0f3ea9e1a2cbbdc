import type { Client } from '../model/client.ts'
import { lintRules } from './rules/index.ts'
import type { LifetimeDefaults } from '../tokens/lifetimes.ts'
import type { Finding, LintInput, LintRule, ScopeDefinition, Severity } from './rules/rule.ts'

export type { LifetimeDefaults } from '../tokens/lifetimes.ts'
export type { Finding, LintInput, ScopeDefinition, Severity } from './rules/rule.ts'

const severityOrder: readonly Severity[] = ['error', 'warning', 'info']

/** Checks a configuration against every rule; errors first, then warnings, then notes. `--json` prints this array. */
export function lintConfiguration(
  input: LintInput,
  rules: readonly LintRule[] = lintRules,
): readonly Finding[] {
  return rules
    .flatMap((rule) => rule.check(input).map((finding) => ({ id: rule.id, ...finding })))
    .sort((a, b) => severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity))
}

/** A table for people: one row per finding with its fix beneath, then a count by severity. */
export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings: the configuration passes every rule.'
  const header = ['SEVERITY', 'RULE', 'CLIENT', 'MESSAGE']
  const rows = findings.map((finding) => [
    finding.severity,
    finding.id,
    finding.clientId ?? '-',
    finding.message,
  ])
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)),
  )
  const line = (row: readonly string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')
  const fixIndent = ' '.repeat(widths.reduce((sum, width) => sum + width + 2, 0))
  const body = findings.flatMap((finding, index) => [
    line(rows[index] ?? []),
    `${fixIndent}fix: ${finding.fix}`,
  ])
  const counts = severityOrder.map((severity) => {
    const count = findings.filter((finding) => finding.severity === severity).length
    return severity === 'info' || count === 1 ? `${count} ${severity}` : `${count} ${severity}s`
  })
  return [line(header), ...body, '', counts.join(', ')].join('\n')
}

/** What lint reads of the server's configuration (a `Config` is one). */
export interface LintedConfig {
  readonly issuer: string
  readonly scopes: readonly ScopeDefinition[]
  readonly lifetimes: LifetimeDefaults
}

/** The server's own configuration and its clients against every rule (`keyward lint`, and warnings at start). */
export function lintServer(config: LintedConfig, clients: readonly Client[]): readonly Finding[] {
  return lintConfiguration({
    issuer: config.issuer,
    clients,
    scopes: config.scopes,
    defaults: config.lifetimes,
  })
}

/**
 * What `keyward lint` calls an error in this client, run on this server: the findings client registration
 * refuses it for, by the same rules (server-wide findings are the configuration's, not the client's).
 */
export function clientErrors(config: LintedConfig, client: Client): readonly Finding[] {
  return lintServer(config, [client]).filter(
    (finding) => finding.severity === 'error' && finding.clientId === client.id,
  )
}
