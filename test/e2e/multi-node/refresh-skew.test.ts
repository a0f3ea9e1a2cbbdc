import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { digest } from '../../../src/core/protocol/digest.ts'
import type { ClockedKeywardProcess } from '../../support/keyward-process.ts'
import { type Deployment, startDeployment } from './deployment.ts'
import { assertOAuthError, refresh, type RegisteredClient, tokensOf } from '../../support/oauth-client.ts'
import { grantTokens } from '../../support/flow.ts'

// RFC 9700 §4.14.2 across nodes: a replay is reuse wherever it lands, whatever that node's clock says.
for (const grace of [0, 10]) {
  describe(`two nodes on one PostgreSQL database, one clock 5 s behind (grace period ${grace} s)`, () => {
    let deployment: Deployment
    let normal: ClockedKeywardProcess
    let slow: ClockedKeywardProcess
    let app: RegisteredClient
    before(async () => {
      deployment = await startDeployment([{}, { clockOffset: -5 }], {
        KEYWARD_REFRESH_GRACE_PERIOD: String(grace),
      })
      ;[normal, slow] = deployment.nodes as [ClockedKeywardProcess, ClockedKeywardProcess]
      app = await deployment.addClient({})
    })
    after(() => deployment?.close())

    test('rotate at the normal node, replay at the slow one 1 s later: invalid_grant, family revoked at both', async () => {
      const user = await deployment.addUser()
      const first = await grantTokens(normal, app, user)
      const second = tokensOf(await refresh(normal, app, first.refreshToken))
      assert.ok(second.refreshToken)

      // A second passes on both nodes; the slow node now reads 4 s before the rotation.
      await Promise.all([normal.advanceClock(1), slow.advanceClock(1)])
      assertOAuthError(await refresh(slow, app, first.refreshToken), 400, 'invalid_grant')

      const rotated = await deployment.stores.tokens.getRefreshToken(digest(first.refreshToken))
      const grant = await deployment.stores.grants.get(rotated?.grantId ?? '')
      assert.equal(grant?.revokedReason, 'refresh_reuse')
      for (const node of [normal, slow]) {
        assertOAuthError(await refresh(node, app, second.refreshToken), 400, 'invalid_grant')
      }
    })
  })
}
