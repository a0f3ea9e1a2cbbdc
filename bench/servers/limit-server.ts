// The limit: plain node:http answering every request with a small JSON body, the ceiling for one core.
import { createServer } from 'node:http'

const BODY = Buffer.from('{"access_token":"limit","token_type":"Bearer","expires_in":600}')

createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': BODY.length,
      'cache-control': 'no-store',
    })
    response.end(BODY)
  })
}).listen(Number(process.env.BENCH_PORT), '127.0.0.1')
