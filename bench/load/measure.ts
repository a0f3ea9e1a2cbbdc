import { autocannonRound } from './autocannon.ts'
import { flowRound } from './flows.ts'
import type { Sample, Workload } from './sample.ts'
import { wrkRound } from './wrk.ts'

export interface MeasureOptions {
  readonly connections: number
  readonly seconds: number
  /** Repeated requests go through wrk instead of autocannon. */
  readonly wrk: boolean
}

/** Runs one round of `workload` against `origin` with the load generator that fits it. */
export function measure(origin: string, workload: Workload, options: MeasureOptions): Promise<Sample> {
  switch (workload.kind) {
    case 'repeat':
      return options.wrk
        ? wrkRound(origin, workload.request, options)
        : autocannonRound(origin, workload, options)
    case 'each-once':
      return autocannonRound(origin, workload, options)
    case 'flows':
      return flowRound(workload, options.seconds)
  }
}
