import type { Summary } from './report.ts'
import type { ScenarioName } from './scenarios.ts'
import type { ServerName } from './server.ts'

/** One target checked against one Keyward server; `measured` is what the table shows for it. */
export interface TargetCheck {
  readonly target: string
  readonly server: ServerName
  readonly measured: string
  readonly met: boolean
}

const KEYWARD: readonly ServerName[] = ['keyward-sqlite', 'keyward-postgres']
const TOKEN_SCENARIOS: readonly ScenarioName[] = [
  'client-credentials-jwt',
  'client-credentials-opaque',
  'introspection',
  'refresh-rotation',
]

interface Target {
  readonly target: string
  readonly servers: readonly ServerName[]
  /** The measured value from this server's summaries, or null when the run did not measure it. */
  readonly measure: (summaries: readonly Summary[]) => number | null
  readonly format: (value: number) => string
  readonly met: (value: number) => boolean
}

const find = (summaries: readonly Summary[], scenario: ScenarioName) =>
  summaries.find((summary) => summary.scenario === scenario)

const ratio = (value: number) => `${value.toFixed(2)}×`
const ms = (value: number) => `${value.toFixed(1)} ms`
const mb = (value: number) => `${value.toFixed(0)} MB`

function worst(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((value): value is number => typeof value === 'number')
  return known.length === 0 ? null : Math.max(...known)
}

/** `scenario`'s median throughput at least `floor` times that of the peer or of the limit. */
function ratioTarget(
  scenario: ScenarioName,
  versus: 'vsPeer' | 'vsLimit',
  floor: number,
  servers: readonly ServerName[],
): Target {
  const other = versus === 'vsPeer' ? 'oidc-provider' : 'the node:http limit'
  return {
    target: `${scenario} ≥ ${floor}× ${other}`,
    servers,
    measure: (s) => find(s, scenario)?.[versus]?.median ?? null,
    format: ratio,
    met: (value) => value >= floor,
  }
}

/** The targets of the issue, as same-run ratios and absolute bounds (bench/README.md). */
const TARGETS: readonly Target[] = [
  ratioTarget('client-credentials-jwt', 'vsPeer', 5, KEYWARD),
  ratioTarget('client-credentials-jwt', 'vsLimit', 0.28, KEYWARD),
  ratioTarget('client-credentials-opaque', 'vsPeer', 3, ['keyward-sqlite']),
  ratioTarget('introspection', 'vsPeer', 4, KEYWARD),
  {
    target: 'p99 ≤ 25 ms at 50 connections in every token scenario (worst shown)',
    servers: KEYWARD,
    measure: (s) =>
      worst(
        TOKEN_SCENARIOS.map((scenario) => find(s, scenario)).map((x) =>
          x?.connections === 50 ? x.p99Ms : null,
        ),
      ),
    format: ms,
    met: (value) => value <= 25,
  },
  {
    target: 'idle RSS ≤ 80 MB (worst shown)',
    servers: KEYWARD,
    measure: (s) => worst(s.map((summary) => summary.rssIdleMb)),
    format: mb,
    met: (value) => value <= 80,
  },
  {
    target: 'RSS after load ≤ 150 MB (worst shown)',
    servers: KEYWARD,
    measure: (s) => worst(s.map((summary) => summary.rssAfterMb)),
    format: mb,
    met: (value) => value <= 150,
  },
  {
    target: 'cold start ≤ 500 ms',
    servers: KEYWARD,
    measure: (s) => find(s, 'cold-start')?.value.median ?? null,
    format: (value) => `${value.toFixed(0)} ms`,
    met: (value) => value <= 500,
  },
]

/** Every target the run measured, for every Keyward server it ran. */
export function checkTargets(summaries: readonly Summary[]): TargetCheck[] {
  return TARGETS.flatMap((target) =>
    target.servers.flatMap((server) => {
      const value = target.measure(summaries.filter((summary) => summary.server === server))
      return value === null
        ? []
        : [{ target: target.target, server, measured: target.format(value), met: target.met(value) }]
    }),
  )
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  return checks
    .map(
      (check) =>
        `${check.met ? 'met ' : 'MISS'}  ${check.server.padEnd(16)} ${check.target}: ${check.measured}`,
    )
    .join('\n')
}
