import assert from 'node:assert/strict'

/** The value of one sample line of the Prometheus text format, `name{labels} value`; 0 when absent. */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

/** One scrape of `url`: it must answer 200 in the Prometheus text format. */
export async function scrape(url: string): Promise<string> {
  const response = await fetch(url)
  assert.equal(response.status, 200, await response.clone().text())
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return response.text()
}
