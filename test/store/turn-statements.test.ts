import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import pg from 'pg'
import { TemporarilyUnavailable } from '../../src/core/errors.ts'
import {
  batchedClaims,
  batchedInserts,
  batchedLookups,
  PER_STATEMENT,
  type LookupParams,
} from '../../src/store/postgres/turn-statements.ts'

// PostgreSQL's pool gathers the lookups and inserts of a turn (src/store/postgres/turn-statements.ts); here against a table
// in memory that records the statements it is sent. test/store/postgres.test.ts runs the SQL against PostgreSQL.

const SQL = 'SELECT t.k AS key, t.v FROM things t WHERE t.k = ? AND t.v IS NOT NULL'

function things(rows: Record<string, string>, failWith?: Error) {
  const sent: { sql: string; params: LookupParams }[] = []
  const lookup = batchedLookups(async (sql, params) => {
    sent.push({ sql, params })
    if (failWith !== undefined) throw failWith
    const keys = (Array.isArray(params[0]) ? params[0] : params) as string[]
    return keys.filter((key) => key in rows).map((key) => ({ key, v: rows[key] }))
  })
  return { sent, lookup: (key: string) => lookup<{ key: string; v: string }>(SQL, key, 'key') }
}

describe('lookups gathered per turn (PostgreSQL)', () => {
  test('the lookups of one turn are one statement over their distinct keys, each answered its row', async () => {
    const { sent, lookup } = things({ a: '1', b: '2' })
    const answers = await Promise.all([lookup('a'), lookup('b'), lookup('missing'), lookup('a')])
    assert.deepEqual(answers, [{ key: 'a', v: '1' }, { key: 'b', v: '2' }, undefined, { key: 'a', v: '1' }])
    assert.deepEqual(sent, [
      {
        sql: 'SELECT t.k AS key, t.v FROM things t WHERE t.k = ANY(?) AND t.v IS NOT NULL',
        params: [['a', 'b', 'missing']],
      },
    ])
  })

  test('a lookup alone goes as it is; a later turn sends its own', async () => {
    const { sent, lookup } = things({ a: '1' })
    assert.deepEqual(await lookup('a'), { key: 'a', v: '1' })
    assert.equal(await lookup('b'), undefined)
    assert.deepEqual(sent, [
      { sql: SQL, params: ['a'] },
      { sql: SQL, params: ['b'] },
    ])
  })

  test('lookups made as the microtasks of the turn run are gathered too', async () => {
    const { sent, lookup } = things({ a: '1', b: '2' })
    // The second handler reaches its lookup a few awaits later than the first.
    const later = async () => {
      for (let hop = 0; hop < 5; hop++) await Promise.resolve()
      return lookup('b')
    }
    await Promise.all([lookup('a'), later()])
    assert.equal(sent.length, 1)
  })

  test(`more than ${PER_STATEMENT} keys go as several statements`, async () => {
    const keys = Array.from({ length: PER_STATEMENT * 2 + 1 }, (_, index) => `k${index}`)
    const { sent, lookup } = things(Object.fromEntries(keys.map((key) => [key, key])))
    const answers = await Promise.all(keys.map(lookup))
    assert.deepEqual(
      answers.map((row) => row?.v),
      keys,
    )
    assert.deepEqual(
      sent.map(({ params }) => (Array.isArray(params[0]) ? params[0].length : 1)),
      [PER_STATEMENT, PER_STATEMENT, 1],
    )
  })

  test('a failed statement fails every lookup it carried, and the next turn tries again', async () => {
    const down = new Error('connection lost')
    const { lookup } = things({ a: '1' }, down)
    const answers = await Promise.allSettled([lookup('a'), lookup('b')])
    assert.deepEqual(answers, [
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ])
    await assert.rejects(lookup('a'), down)
  })

  test('a text without exactly one "= ?" is refused when gathered', async () => {
    const lookup = batchedLookups(async () => [])
    const twoParameters = 'SELECT k FROM things WHERE k = ? AND v = ?'
    const answers = await Promise.allSettled([
      lookup(twoParameters, 'a', 'k'),
      lookup(twoParameters, 'b', 'k'),
    ])
    assert.ok(answers.every((answer) => answer.status === 'rejected'))
  })
})

describe('rows inserted in one turn (PostgreSQL)', () => {
  const INSERT = 'INSERT INTO things (k, v) VALUES (?, ?)'

  function recording(failWhen: (rows: number) => boolean = () => false) {
    const sent: { sql: string; params: unknown[] }[] = []
    const insert = batchedInserts(async (sql, params) => {
      sent.push({ sql, params })
      if (failWhen(params.length / 2)) throw new Error('refused')
    })
    return { sent, insert: (key: string) => insert(INSERT, [key, `v${key}`]) }
  }

  test('go as multi-row statements of a power of two rows each, every value in order', async () => {
    const { sent, insert } = recording()
    const keys = Array.from({ length: 37 }, (_, index) => `k${index}`)
    await Promise.all(keys.map(insert))
    assert.deepEqual(
      sent.map(({ params }) => params.length / 2),
      [32, 4, 1],
    )
    assert.equal(sent[1]!.sql, 'INSERT INTO things (k, v) VALUES (?, ?), (?, ?), (?, ?), (?, ?)')
    assert.equal(sent[2]!.sql, INSERT)
    assert.deepEqual(
      sent.flatMap(({ params }) => params),
      keys.flatMap((key) => [key, `v${key}`]),
    )
  })

  test('a row alone goes as it is; a failed statement fails the rows it carried, not the others', async () => {
    const { sent, insert } = recording((rows) => rows === 2)
    await insert('alone')
    assert.deepEqual(sent, [{ sql: INSERT, params: ['alone', 'valone'] }])
    const answers = await Promise.allSettled(['a', 'b', 'c'].map(insert))
    assert.deepEqual(
      answers.map((answer) => answer.status),
      ['rejected', 'rejected', 'fulfilled'],
    )
  })

  test('a text that is not one row of VALUES is refused when gathered', async () => {
    const insert = batchedInserts(async () => undefined)
    const selected = 'INSERT INTO things (k, v) SELECT ?, ?'
    const answers = await Promise.allSettled([insert(selected, ['a', 'b']), insert(selected, ['c', 'd'])])
    assert.ok(answers.every((answer) => answer.status === 'rejected'))
  })
})

describe('claims made in one turn (PostgreSQL)', () => {
  const SINGLE = 'UPDATE things SET taken = 1 WHERE k = ? AND taken = 0 RETURNING k'
  const GATHERED = 'WITH input AS (…) UPDATE things … RETURNING i.n'

  /** Rows that can each be taken once, and the statements sent to take them. */
  function takeable(keys: readonly string[], failWith?: Error, refuseGathered?: Error) {
    const taken = new Set<string>()
    const sent: { sql: string; params: LookupParams }[] = []
    const claim = batchedClaims(async (sql, params) => {
      sent.push({ sql, params })
      if (failWith !== undefined) throw failWith
      if (sql === GATHERED && refuseGathered !== undefined) throw refuseGathered
      if (sql === SINGLE) {
        const key = params[0] as string
        if (!keys.includes(key) || taken.has(key)) return []
        taken.add(key)
        return [{ k: key }]
      }
      const inputs = JSON.parse(params[0] as string) as { key: string }[]
      const claimed = inputs.flatMap(({ key }, index) => {
        if (!keys.includes(key) || taken.has(key)) return []
        taken.add(key)
        return [{ n: index + 1 }]
      })
      return claimed
    })
    return { sent, claim: (key: string) => claim(SINGLE, [key], { sql: GATHERED, key, input: { key } }) }
  }

  test("a turn's claims are one statement over their inputs sorted by key; a repeated key goes in the next", async () => {
    const { sent, claim } = takeable(['a', 'b'])
    const answers = await Promise.all([claim('b'), claim('a'), claim('missing'), claim('b'), claim('b')])
    assert.deepEqual(answers, [true, true, false, false, false])
    assert.deepEqual(sent, [
      { sql: GATHERED, params: [JSON.stringify([{ key: 'a' }, { key: 'b' }, { key: 'missing' }])] },
      { sql: SINGLE, params: ['b'] },
      { sql: SINGLE, params: ['b'] },
    ])
  })

  test('a claim alone goes as it is', async () => {
    const { sent, claim } = takeable(['a'])
    assert.equal(await claim('a'), true)
    assert.equal(await claim('a'), false)
    assert.deepEqual(sent, [
      { sql: SINGLE, params: ['a'] },
      { sql: SINGLE, params: ['a'] },
    ])
  })

  test('a statement that failed unavailable fails every claim it carried, each with its error', async () => {
    const failure = new TemporarilyUnavailable('The database is unavailable.')
    const { sent, claim } = takeable(['a', 'b'], failure)
    const answers = await Promise.allSettled([claim('a'), claim('b'), claim('a')])
    assert.deepEqual(answers, [
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ])
    assert.equal(sent.length, 2, 'the repeat still goes after the statement before it failed')
  })

  test('a statement the server refused whole is sent again claim by claim, each answered alone', async () => {
    const deadlock = Object.assign(new pg.DatabaseError('deadlock detected', 0, 'error'), { code: '40P01' })
    const { sent, claim } = takeable(['a', 'b'], undefined, deadlock)
    assert.deepEqual(await Promise.all([claim('b'), claim('a'), claim('c')]), [true, true, false])
    assert.deepEqual(
      sent.map(({ sql, params }) => (sql === SINGLE ? params[0] : 'gathered')),
      ['gathered', 'a', 'b', 'c'],
    )
  })
})
