import type { Clock } from '../clock.ts'
import { type Random, randomId } from '../random.ts'
import type { Grant } from './grant.ts'

/**
 * A new, unrevoked grant: what a code redemption, device approval, password login or implicit response begins,
 * with the browser sign-in it came from when there was one (a code's).
 */
export function newGrant(
  owner: { clientId: string; userId: string; scope: readonly string[]; resources: readonly string[] },
  deps: { clock: Clock; random: Random },
  signIn: Pick<Grant, 'authTime' | 'sid'> = { authTime: null, sid: null },
): Grant {
  return {
    id: randomId(deps.random),
    ...owner,
    createdAt: deps.clock.now(),
    revokedAt: null,
    revokedReason: null,
    ...signIn,
  }
}
