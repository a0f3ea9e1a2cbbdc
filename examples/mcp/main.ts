import { startMcpServer } from './server.ts'

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is required (see examples/mcp/README.md)`)
  return value
}

function port(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`MCP_PORT is not a port: ${text}`)
  return value
}

const publicUrl = process.env.MCP_PUBLIC_URL
const mcp = await startMcpServer({
  issuer: required('KEYWARD_ISSUER'),
  port: port(process.env.MCP_PORT ?? '3005'),
  ...(publicUrl === undefined || publicUrl === '' ? {} : { publicUrl }),
})
// The identifier Keyward must know: keyward resources create --identifier <this> (README.md).
console.log(`MCP server on ${mcp.url}; its resource identifier: ${mcp.resource}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    mcp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
