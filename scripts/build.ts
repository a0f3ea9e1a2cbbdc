// Bundles Keyward's sources into dist/ as plain JavaScript, run by `npm install` and `npm pack` (prepare) and
// `npm run build`. Why: from the TypeScript, every start strips the types of some 130 files and resolves each
// import; from the bundle, `keyward start` answers about 50 ms sooner (212 against 267 ms here) and holds 3 MB
// less memory. It is also what the published package runs and exports: Node strips no types under node_modules.
// In a checkout, bin/keyward.js runs this bundle while it is newer than every source it was built from
// (bin/entry-point.js), and the sources otherwise, so an edit never runs stale code.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { OutputFile, Plugin } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const sourceDir = resolve(root, 'src')
/** The modules the package's bin and its importers load; everything they share lands in common chunks. */
const ENTRY_POINTS = { main: 'src/cli/main.ts', index: 'src/index.ts' }

/** Files under src/ that modules read at run time (stylesheets), as paths relative to src/. */
function assetsOf(directory = sourceDir): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return assetsOf(path)
    return entry.name.endsWith('.ts') ? [] : [relative(sourceDir, path)]
  })
}

/**
 * Some modules read files next to them (the stylesheet) through `import.meta.url`. Bundled, `import.meta.url`
 * is the chunk's address at the top of dist/, so each such use is rewritten to the address the source file
 * would have under dist/, where the build copies the files beside it.
 */
const mirroredAddresses: Plugin = {
  name: 'mirrored-addresses',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8')
      if (!text.includes('import.meta.url')) return undefined
      const fromSources = relative(sourceDir, path).split('\\').join('/')
      if (fromSources.startsWith('..')) throw new Error(`${path} reads files beside it but is not under src/`)
      return {
        contents: text.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(fromSources)}, import.meta.url).href`,
        ),
        loader: 'ts',
      }
    })
  },
}

/**
 * Dependencies left in node_modules, imported from there: the native argon2 addon, and those only an option or some
 * requests load (Redis, metrics, tracing, the JWTs clients sign), which the measurements below did not cover. Every
 * other dependency is bundled (issue #14): `keyward start` loaded some 290 files of them (zod's 99, semver's 48,
 * fastify's and its plugins'), each resolved, read, compiled and kept as source text by its own loader; bundled,
 * the server idles at 73 instead of 80 MB and spends 210 instead of 310 ms of CPU before it answers, here. pino
 * too, since: its 29 files cost every start some 5 ms of CPU; only its transports, which Keyward never starts, run
 * its files by path (in worker threads). An operator upgrades them with Keyward, not alone.
 */
const UNBUNDLED = ['@node-rs/argon2', '@opentelemetry/*', 'ioredis', 'jose', 'prom-client']

/** What npm installed in node_modules, rewritten by every install: the bundled dependencies' version. */
const INSTALLED = 'node_modules/.package-lock.json'

/** Bundled CommonJS modules call require() (built-ins, the dependencies left out): each chunk makes one. */
const REQUIRE_BANNER =
  "import { createRequire as __keywardCreateRequire } from 'node:module';\n" +
  'const require = __keywardCreateRequire(import.meta.url);'

/** Writes a file under a temporary name and renames it: a Keyward starting meanwhile reads whole files. */
function replace(path: string, write: (temporary: string) => void): void {
  mkdirSync(dirname(path), { recursive: true })
  write(`${path}.tmp`)
  renameSync(`${path}.tmp`, path)
}

/** Chunks of earlier builds would otherwise pile up in dist/ and in the package. */
function removeStaleChunks(outdir: string, files: readonly OutputFile[]): void {
  const current = new Set(files.map((file) => file.path))
  for (const name of readdirSync(outdir)) {
    const path = join(outdir, name)
    if (/\.js(\.map)?$/.test(name) && !current.has(path)) rmSync(path)
  }
}

/**
 * Bundles src/cli/main.ts and src/index.ts into `outdir`, which must lie inside the checkout or the installed
 * package: the bundle imports its dependencies from node_modules. Returns the source files it was built from.
 */
export async function bundle(outdir: string): Promise<string[]> {
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir,
    bundle: true,
    // Lazily imported modules (the database drivers) stay in chunks of their own, loaded when used.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.18',
    external: UNBUNDLED,
    banner: { js: REQUIRE_BANNER },
    sourcemap: 'linked',
    // V8 keeps each module's source text for as long as its functions live, the server's whole life: without the
    // indentation of the bundled modules, 3.4 MB less memory at start. Names stay as written;
    // `node --enable-source-maps` maps a stack trace's line and column back to the sources.
    minifyWhitespace: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [mirroredAddresses],
  })
  for (const file of result.outputFiles)
    replace(file.path, (temporary) => writeFileSync(temporary, file.contents))
  removeStaleChunks(outdir, result.outputFiles)
  const assets = assetsOf()
  for (const asset of assets) {
    replace(join(outdir, asset), (temporary) => copyFileSync(join(sourceDir, asset), temporary))
  }
  // bin/entry-point.js compares the bundle's age with these files' to decide whether it is still current. The
  // bundled dependencies count through npm's record of node_modules, which every install rewrites (npm gives
  // the files it unpacks a fixed old time, so their own times say nothing).
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/')),
    ...assets.map((asset) => `src/${asset.split('\\').join('/')}`),
    ...(existsSync(resolve(root, INSTALLED)) ? [INSTALLED] : []),
  ]
  writeFileSync(resolve(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`)
  return inputs
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const inputs = await bundle(resolve(root, 'dist'))
    console.log(`Built dist/main.js and dist/index.js from ${inputs.length} source files.`)
  } catch (error) {
    // `npm install --omit=dev` leaves esbuild out: Keyward then runs from its sources, which is only slower.
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    console.log(
      'esbuild is not installed (devDependencies omitted): keyward will run from its TypeScript sources.',
    )
  }
}
