import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * Runs one full, memory-reducing garbage collection, once start-up is over. Loading the code, migrating and
 * building the app grow V8's young generation to its 16 MB semi-spaces and leave garbage in the old one; until
 * load comes, nothing would give that memory back. One short pause right after the server starts listening buys
 * a smaller idle footprint (bench/README.md has the figures).
 *
 * V8 exposes `gc()` only to contexts created while --expose-gc is set, so the flag is set for one new context
 * and cleared again: no other code ever sees a `gc` global.
 */
export function releaseStartupMemory(): void {
  setFlagsFromString('--expose-gc')
  let gc: (options: object) => void
  try {
    gc = runInNewContext('gc') as typeof gc
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
  // 'last-resort' is V8's collection that also shrinks the young generation and compacts; a plain one does not.
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })
}
