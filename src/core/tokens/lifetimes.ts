import type { Client, ClientLifetimes } from '../model/client.ts'

export type LifetimeName = keyof ClientLifetimes

/** Server-wide lifetimes in seconds (the configuration's `lifetimes`), used by every client that sets none. */
export type LifetimeDefaults = Readonly<Record<LifetimeName, number>>

/** A lifetime as it applies to one client, and whether the client or the server default set it. */
export interface EffectiveLifetime {
  readonly seconds: number
  readonly fromDefault: boolean
}

/** The one place a client's own lifetime overrides the server default: issuance and lint both resolve here. */
export function effectiveLifetime(
  client: Pick<Client, 'lifetimes'>,
  defaults: LifetimeDefaults,
  name: LifetimeName,
): EffectiveLifetime {
  const own = client.lifetimes[name]
  return own === undefined
    ? { seconds: defaults[name], fromDefault: true }
    : { seconds: own, fromDefault: false }
}
