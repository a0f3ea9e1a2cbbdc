import type { Command } from 'commander'
import { migrateDatabase } from '../../store/index.ts'
import { type Environment, loadConfig } from '../config-source.ts'

export function migrateCommand(program: Command, env: Environment): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (start does this too)')
    .action(async () => {
      const applied = await migrateDatabase(loadConfig(env).databaseUrl)
      console.log(applied.length === 0 ? 'The schema is up to date.' : `Applied: ${applied.join(', ')}`)
    })
}
