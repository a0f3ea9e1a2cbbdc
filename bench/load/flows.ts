import { percentile } from '../stats.ts'
import type { Sample, Workload } from './sample.ts'

/** One round of flows: `concurrency` loops, each starting a new flow as soon as its last one ended. */
export async function flowRound(
  workload: Extract<Workload, { kind: 'flows' }>,
  seconds: number,
): Promise<Sample> {
  const started = performance.now()
  const deadline = started + seconds * 1000
  const latencies: number[] = []
  let errors = 0
  let firstError: string | undefined
  const loop = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now()
      try {
        await workload.flow()
        latencies.push(performance.now() - begun)
      } catch (error) {
        errors++
        firstError ??= error instanceof Error ? error.message : String(error)
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: workload.concurrency }, loop))
  } finally {
    workload.close?.()
  }
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    rate: (latencies.length + errors) / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
    completed: latencies.length + errors,
    seconds: elapsed,
    ...(firstError === undefined ? {} : { failure: `first: ${firstError}` }),
  }
}
