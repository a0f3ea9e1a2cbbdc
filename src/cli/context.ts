import { inspect } from 'node:util'
import { pino } from 'pino'
import type { Config, CoreContext } from '../core/index.ts'
import type { EventSink } from '../core/ports/events.ts'
import type { OutboundFetch } from '../core/ports/fetch.ts'
import type { Stores } from '../core/ports/stores.ts'
import { eventsTo, logEvents } from '../events/log-events.ts'
import { configuredWebhook } from '../events/webhook.ts'
import { openOutboundFetch } from '../runtime.ts'
import { openConfiguredStores, StartupFailure } from '../startup-failure.ts'
import { cryptoRandom, systemClock } from '../system.ts'
import { type Environment, type LoadedConfig, loadNamedConfig } from './config-source.ts'

/** What the core operations of an admin command run with (src/core/admin). */
export type AdminContext = Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events' | 'fetch'>

/**
 * The security events of admin commands, as the same JSON lines the server logs but on stderr: an operator's log
 * collector sees who changed what, and stdout stays the command's output (`--json` stays parseable). They reach
 * the event webhook too, when configured: `close` waits for it (within its flush bound) before the command ends.
 */
export function cliEvents(config: Config, fetch: OutboundFetch): EventSink & { close(): Promise<void> } {
  const logger = pino({ name: 'keyward-cli', level: config.logLevel }, process.stderr)
  const webhook = configuredWebhook(config, { logger, clock: systemClock, random: cryptoRandom, fetch })
  return { ...eventsTo(logEvents(logger), webhook), close: async () => await webhook?.close() }
}

/** What an admin command runs with: the validated config and open stores, closed when the command ends. */
export async function withStores<T>(
  env: Environment,
  work: (stores: Stores, config: Config, admin: AdminContext) => Promise<T>,
): Promise<T> {
  const loaded = loadNamedConfig(env)
  const { config } = loaded
  const stores = await explainingStartup(loaded, () => openConfiguredStores(config))
  // The one outbound fetch of the command: the event webhook and a client's sector_identifier_uri.
  const fetch = openOutboundFetch(config, systemClock)
  const events = cliEvents(config, fetch)
  const admin = { config, stores, clock: systemClock, random: cryptoRandom, events, fetch }
  try {
    return await work(stores, config, admin)
  } finally {
    await events.close()
    await stores.close()
  }
}

/** Prints one JSON document (for scripts) or lines of text (for people). */
export function print(json: boolean, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text())
}

export function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean)
}

/** A failure the user can fix: printed as a message, without a stack trace (unless debug logging is on). */
export class UsageError extends Error {}

/**
 * Runs `work`; a StartupFailure becomes its one line, the setting named as the person wrote it, and under it the
 * failure's stack and causes when the configuration asks for debug logging.
 */
export async function explainingStartup<T>(
  { config, nameOf }: LoadedConfig,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof StartupFailure)) throw error
    const line = error.explain(nameOf)
    const debug = config.logLevel === 'debug' || config.logLevel === 'trace'
    throw new UsageError(debug ? `${line}\n${inspect(error)}` : line, { cause: error })
  }
}

/** The record a command names, or the usage error that says there is none: `No ${named}.` */
export function existing<T>(record: T | null, named: string): T {
  if (record === null) throw new UsageError(`No ${named}.`)
  return record
}

/** The user of that name, or the usage error that says there is none. */
export async function userNamed(stores: Stores, username: string) {
  return existing(await stores.users.getByUsername(username), `user ${username}`)
}
