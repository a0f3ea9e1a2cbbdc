// Loaded with `node --import` ahead of a process under test: appends the URL of every module the process resolves
// (imported or required, its own or a dependency's) to the file named by MODULE_LOG, one a line.
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const log = process.env.MODULE_LOG
if (log === undefined) throw new Error('MODULE_LOG names no file to log resolved modules to.')
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context)
    appendFileSync(log, `${resolved.url}\n`)
    return resolved
  },
})
