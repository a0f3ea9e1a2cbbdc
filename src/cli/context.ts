import type { Config } from '../core/config.ts'
import type { Stores } from '../core/ports/stores.ts'
import { openStores } from '../store/index.ts'
import { type Environment, loadConfig } from './config-source.ts'

/** What an admin command runs with: the validated config and open stores, closed when the command ends. */
export async function withStores<T>(
  env: Environment,
  work: (stores: Stores, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig(env)
  const stores = await openStores(config.databaseUrl, config.database)
  try {
    return await work(stores, config)
  } finally {
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

/** A failure the user can fix: printed as a message, without a stack trace. */
export class UsageError extends Error {}
