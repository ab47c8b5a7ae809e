// The pages' API types are generated from the functions' OpenAPI documents
// (openapi/<function>.json, kept equal to what each function serves by the contract
// tests), so a changed DTO breaks `vue-tsc` here rather than a user's screen.
import openapiTS, { astToString } from 'openapi-typescript'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'

mkdirSync('src/api/generated', { recursive: true })
for (const file of readdirSync('openapi').filter((f) => f.endsWith('.json'))) {
  const doc = JSON.parse(readFileSync(`openapi/${file}`, 'utf8'))
  const ast = await openapiTS(doc)
  const name = file.replace(/\.json$/, '')
  writeFileSync(
    `src/api/generated/${name}.ts`,
    `// Generated from openapi/${file} by scripts/api-types.mjs: do not edit.\n${astToString(ast)}`,
  )
  console.log(`api types: ${name}`)
}
