// `node scripts/compile.ts <tsconfig>`: what `npm pack` runs (prepack) to build a package's type declarations, or
// its JavaScript and declarations, with tsc. The output directory is emptied first, so that a source removed
// since the last build never lingers in the tarball.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'

const [tsconfig] = process.argv.slice(2)
if (tsconfig === undefined) throw new Error('usage: node scripts/compile.ts <tsconfig.json>')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const shown = execFileSync(process.execPath, [tsc, '-p', tsconfig, '--showConfig'], { encoding: 'utf8' })
const { compilerOptions } = JSON.parse(shown) as { compilerOptions?: { outDir?: unknown } }
if (typeof compilerOptions?.outDir !== 'string') throw new Error(`${tsconfig} names no outDir`)
rmSync(resolve(dirname(tsconfig), compilerOptions.outDir), { recursive: true, force: true })
execFileSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' })
