import { initial } from './001-initial.ts'
import type { Migration } from './migration.ts'

/** Every migration, oldest first. Append; never edit one that has shipped. */
export const migrations: readonly Migration[] = [initial]
