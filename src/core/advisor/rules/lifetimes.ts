import type { Client, ClientLifetimes } from '../../model/client.ts'
import type { LifetimeDefaults } from './rule.ts'

type LifetimeName = keyof ClientLifetimes

const defaultFor: Readonly<Record<LifetimeName, keyof LifetimeDefaults>> = {
  accessToken: 'accessTokenTtl',
  refreshIdle: 'refreshIdleTtl',
  refreshAbsolute: 'refreshAbsoluteTtl',
}

/** A lifetime as it applies to one client, and whether the client or the server default set it. */
export interface EffectiveLifetime {
  readonly seconds: number
  readonly fromDefault: boolean
}

export function effectiveLifetime(
  client: Client,
  defaults: LifetimeDefaults,
  name: LifetimeName,
): EffectiveLifetime {
  const own = client.lifetimes[name]
  return own === undefined
    ? { seconds: defaults[defaultFor[name]], fromDefault: true }
    : { seconds: own, fromDefault: false }
}

/** Zero, negative or unbounded lifetimes mean a token that never expires. */
export function expires(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds > 0
}

/** Where to change a lifetime: on the client, or in the server default it inherits. */
export function whereSet(lifetime: EffectiveLifetime): string {
  return lifetime.fromDefault ? 'the server default, which this client inherits' : 'this client’s own setting'
}
