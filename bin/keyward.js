#!/usr/bin/env -S node --max-semi-space-size=16
// --max-semi-space-size=16 caps V8's young generation at 16 MB per semi-space. Left alone, Node 24 grows it to
// 64 MB under load on a large machine, which raised a loaded server's memory by 80 MB and bought no throughput
// (bench/README.md). The npm scripts pass the same flag; test/cli/bin.test.ts keeps them in step.
// In a checkout Keyward may run its TypeScript sources, which needs Node's built-in type stripping (22.18+);
// everywhere it stores data with the built-in node:sqlite (behind --experimental-sqlite before 22.13 and 23.4),
// whose isTransaction came with 24.0 and a later 22 (22.18 has it, 22.13 not). Node 23 is not supported, as
// package.json's engines say. Say so plainly instead of failing on a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18) || major === 23) {
  console.error(
    `Keyward needs Node.js 22.18 or newer, or 24 or newer (24 LTS recommended); this is ${process.version}.\n` +
      'Inside the repository, run it through npm (npm start, npm run keyward -- ...), which uses the Node 24 that npm install brings.',
  )
  process.exit(1)
}
// Cache compiled (and type-stripped) modules on disk: later starts skip most of the compile work.
const { enableCompileCache } = await import('node:module')
enableCompileCache?.()
const { entryPoint } = await import('./entry-point.js')
const { main } = await import(entryPoint(new URL('../', import.meta.url)))
const code = await main(process.argv.slice(2), process.env)
// `start` keeps the process alive through its server; every other command ends here.
if (code !== 0) process.exitCode = code
