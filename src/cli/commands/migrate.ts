import type { Command } from 'commander'
import { databaseFailure } from '../../startup-failure.ts'
import { migrateDatabase } from '../../store/index.ts'
import { type Environment, loadNamedConfig } from '../config-source.ts'
import { explainingStartup } from '../context.ts'

export function migrateCommand(program: Command, env: Environment): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (start does this too)')
    .action(async () => {
      const loaded = loadNamedConfig(env)
      const { config } = loaded
      const applied = await explainingStartup(loaded, () =>
        migrateDatabase(config.databaseUrl).catch((error: unknown) => {
          throw databaseFailure(error, config.databaseUrl)
        }),
      )
      console.log(applied.length === 0 ? 'The schema is up to date.' : `Applied: ${applied.join(', ')}`)
    })
}
