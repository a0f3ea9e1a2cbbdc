import type { ScenarioResult, ServerResult } from './runner.ts'
import type { Scenario, ScenarioName } from './scenarios.ts'
import type { ServerName } from './server.ts'
import { type Spread, spread } from './stats.ts'

/** One cell of the table's numbers for one server in one scenario; null where it did not run. */
export interface Summary {
  readonly scenario: ScenarioName
  readonly server: ServerName
  readonly unit: Scenario['unit']
  readonly connections: number | null
  /** Requests or flows per second, or the cold start in ms. */
  readonly value: Spread
  /** Same-round ratios of `value` (throughput only): to the peer in memory, on Redis, the reference, the limit. */
  readonly vsPeer: Spread | null
  readonly vsDurablePeer: Spread | null
  readonly vsReference: Spread | null
  readonly vsLimit: Spread | null
  readonly p50Ms: number | null
  readonly p99Ms: number | null
  readonly errors: number | null
  readonly rssIdleMb: number | null
  readonly rssAfterMb: number | null
}

const MB = 2 ** 20

function sameRoundRatios(result: ServerResult, base: ServerResult | undefined): Spread | null {
  if (base === undefined || base === result || result.samples.length === 0) return null
  const ratios = result.samples.flatMap((sample, round) => {
    const other = base.samples[round]
    return other === undefined ? [] : [sample.rate / other.rate]
  })
  return ratios.length === 0 ? null : spread(ratios)
}

function medianOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null)
  return known.length === 0 ? null : spread(known).median
}

export function summarize(scenario: ScenarioResult): Summary[] {
  const byServer = new Map(scenario.results.map((result) => [result.server, result]))
  return scenario.results.map((result) => {
    const load = result.samples.length > 0
    const idle = medianOf(result.rssIdleBytes)
    return {
      scenario: scenario.scenario,
      server: result.server,
      unit: scenario.unit,
      connections: scenario.connections,
      value: spread(load ? result.samples.map((sample) => sample.rate) : result.coldStartMs),
      vsPeer: sameRoundRatios(result, byServer.get('oidc-provider')),
      vsDurablePeer: sameRoundRatios(result, byServer.get('oidc-provider-redis')),
      vsReference: sameRoundRatios(result, byServer.get('fastify-es256')),
      vsLimit: sameRoundRatios(result, byServer.get('limit')),
      p50Ms: load ? spread(result.samples.map((sample) => sample.p50Ms)).median : null,
      p99Ms: load ? spread(result.samples.map((sample) => sample.p99Ms)).median : null,
      errors: load ? result.samples.reduce((sum, sample) => sum + sample.errors, 0) : null,
      rssIdleMb: idle === null ? null : idle / MB,
      rssAfterMb: result.rssAfterBytes === null ? null : result.rssAfterBytes / MB,
    }
  })
}

const NONE = '—'

function amount(value: number, unit: Scenario['unit']): string {
  if (unit === 'req/s') return Math.round(value).toLocaleString('en-US')
  return unit === 'flows/s' ? value.toFixed(1) : value.toFixed(0)
}

function withRange(value: Spread, format: (n: number) => string, suffix = ''): string {
  if (value.min === value.max) return `${format(value.median)}${suffix}`
  return `${format(value.median)}${suffix} (${format(value.min)}–${format(value.max)})`
}

const fixed = (digits: number) => (value: number | null) => (value === null ? NONE : value.toFixed(digits))

/** One row per scenario and server; a server a scenario does not apply to shows n/a. */
function rows(
  summaries: readonly Summary[],
  scenarios: readonly ScenarioName[],
  servers: readonly ServerName[],
) {
  return scenarios.flatMap((scenario) =>
    servers.map((server) => {
      const summary = summaries.find((entry) => entry.scenario === scenario && entry.server === server)
      if (summary === undefined) return [scenario, server, ...HEADER.slice(2).map(() => 'n/a')]
      const ratio = (value: Spread | null) =>
        value === null ? NONE : withRange(value, (n) => n.toFixed(2), '×')
      return [
        scenario,
        server,
        withRange(summary.value, (n) => amount(n, summary.unit), ` ${summary.unit}`),
        ratio(summary.vsPeer),
        ratio(summary.vsDurablePeer),
        ratio(summary.vsReference),
        ratio(summary.vsLimit),
        fixed(1)(summary.p50Ms),
        fixed(1)(summary.p99Ms),
        summary.errors === null ? NONE : String(summary.errors),
        fixed(0)(summary.rssIdleMb),
        fixed(0)(summary.rssAfterMb),
      ]
    }),
  )
}

const HEADER = [
  'scenario',
  'server',
  'median (min–max)',
  '× oidc-provider',
  '× oidc-provider on Redis',
  '× fastify-es256',
  '× limit',
  'p50 ms',
  'p99 ms',
  'errors',
  'RSS idle MB',
  'RSS after MB',
]

/** The results as one Markdown table, padded so that it reads as well in a terminal as in the README. */
export function renderTable(
  summaries: readonly Summary[],
  scenarios: readonly ScenarioName[],
  servers: readonly ServerName[],
): string {
  const table = [HEADER, ...rows(summaries, scenarios, servers)]
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)))
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`
  return [line(HEADER), rule, ...table.slice(1).map(line)].join('\n')
}
