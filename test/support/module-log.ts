// Preloaded with `node --import` by tests that check what a process loads: records the address of every module it
// resolves (ES modules and CommonJS, Node's built-ins as node:*), and writes them one a line to the file named by
// KEYWARD_TEST_MODULE_LOG when the process exits.
import { writeFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const loaded = new Set<string>()
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context)
    loaded.add(resolved.url)
    return resolved
  },
})
const logFile = process.env.KEYWARD_TEST_MODULE_LOG
if (logFile !== undefined) process.on('exit', () => writeFileSync(logFile, [...loaded].join('\n')))
