import { existsSync, readFileSync, statSync } from 'node:fs'

/**
 * What bin/keyward.js runs. In the installed package, which ships no sources, the bundle. In a checkout, the
 * bundle that `npm install` builds (scripts/build.ts) while it is newer than every source it was built from and
 * than the last install (it holds most dependencies), the TypeScript sources otherwise. Both are the same code;
 * the bundle starts faster and with less memory, and an edited source is never shadowed by a stale bundle.
 * @param {URL} root the package's or the checkout's root directory, ending in a slash
 * @returns {string} the URL of the module that exports `main`
 */
export function entryPoint(root) {
  const bundle = new URL('dist/main.js', root)
  const sources = new URL('src/cli/main.ts', root)
  if (!existsSync(sources)) return bundle.href
  try {
    const builtAt = statSync(bundle).mtimeMs
    /** @type {string[]} */
    const inputs = JSON.parse(readFileSync(new URL('dist/inputs.json', root), 'utf8'))
    if (inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAt)) return bundle.href
  } catch {
    // Not built, or a source was removed since: the sources are what is current.
  }
  return sources.href
}
