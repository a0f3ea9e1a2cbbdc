// Where a V8 CPU profile (from npm run bench -- --cpu-prof) spent its time: the functions with the most self
// time, and the same summed per package or source folder. Usage: npm run bench:frames -- FILE.cpuprofile [N]
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: readonly number[]
}

interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/** node_modules/<package>, src/<folder>, node:<module>, or what V8 calls it ((garbage collector), (idle)…). */
function placeOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  if (module !== undefined) return module
  const source = /\/(src|bench|bin)\/(.*)\/[^/]+$/.exec(url)
  if (source !== null) return `${source[1]}/${source[2]}`
  return url.startsWith('node:') ? url : url.replace(/^.*\//, '')
}

function top(totals: Map<string, number>, all: number, count: number): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${((100 * micros) / all).toFixed(1).padStart(5)}%  ${name}`)
}

const [file, countText = '25'] = process.argv.slice(2)
if (file === undefined) {
  console.error('Usage: npm run bench:frames -- FILE.cpuprofile [N]')
  process.exit(1)
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const byFunction = new Map<string, number>()
const byPlace = new Map<string, number>()
let all = 0
let idle = 0
profile.samples.forEach((id, index) => {
  const frame = nodes.get(id)?.callFrame
  const micros = profile.timeDeltas[index] ?? 0
  // Idle is the event loop waiting (for the network or a database server): it says whether CPU is the bound.
  if (frame?.functionName === '(idle)') idle += micros
  if (frame === undefined || frame.functionName === '(idle)') return
  all += micros
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${frame.lineNumber + 1}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
  const place = placeOf(frame.url, frame.functionName)
  byPlace.set(place, (byPlace.get(place) ?? 0) + micros)
})
const count = Number(countText)
console.log(
  `${(all / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle (left out below)\n\nSelf time by function:`,
)
console.log(top(byFunction, all, count).join('\n'))
console.log('\nSelf time by package or folder:')
console.log(top(byPlace, all, count).join('\n'))
