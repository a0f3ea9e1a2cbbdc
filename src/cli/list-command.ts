import type { Command } from 'commander'
import type { Environment } from './config-source.ts'
import { type AdminContext, print, withStores } from './context.ts'

/** How a list subcommand shows its entries: one line each for people, their JSON form with --json. */
export interface Listing<T> {
  /** The text printed instead of lines when there is no entry, e.g. 'No clients.'. */
  readonly none: string
  readonly line: (entry: T) => string
  /** An entry as JSON; the entry itself when absent. */
  readonly json?: (entry: T) => unknown
}

/**
 * Adds the subcommand `usage` (e.g. 'list <username>') that prints what `entries` finds. `entries` receives the
 * admin context, then commander's action arguments: the subcommand's arguments, then its options.
 */
export function listCommand<P extends unknown[], T>(
  parent: Command,
  env: Environment,
  usage: string,
  description: string,
  entries: (admin: AdminContext, ...params: P) => Promise<readonly T[]>,
  listing: Listing<T>,
): Command {
  return parent
    .command(usage)
    .description(description)
    .option('--json', 'print JSON')
    .action(async (...params: P) => {
      // Commander passes the arguments, then the options, then the command itself.
      const options = params.at(-2) as { json?: boolean }
      await withStores(env, async (_stores, _config, admin) => {
        const found = await entries(admin, ...params)
        print(options.json === true, listing.json ? found.map(listing.json) : found, () =>
          found.length === 0 ? listing.none : found.map(listing.line).join('\n'),
        )
      })
    })
}
