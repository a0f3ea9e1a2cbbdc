import type { Clock } from '../clock.ts'
import { type Random, randomId } from '../random.ts'
import type { Grant } from './grant.ts'

/** A new, unrevoked grant: what a code redemption, device approval, password login or implicit response begins. */
export function newGrant(
  owner: { clientId: string; userId: string; scope: readonly string[] },
  deps: { clock: Clock; random: Random },
): Grant {
  return {
    id: randomId(deps.random),
    ...owner,
    createdAt: deps.clock.now(),
    revokedAt: null,
    revokedReason: null,
  }
}
