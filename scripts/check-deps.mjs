#!/usr/bin/env node
// Keeps the architecture honest: workspace dependencies form no cycle, point only the ways
// DESIGN.md allows, and the runtime-agnostic packages import no `node:` module or native package.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const workspaces = ['packages', 'services']
  .flatMap((dir) => {
    try {
      return readdirSync(join(root, dir)).map((name) => join(dir, name))
    } catch {
      return []
    }
  })
  .concat(['test'])
  .filter((dir) => {
    try {
      return statSync(join(root, dir, 'package.json')).isFile()
    } catch {
      return false
    }
  })

const manifests = new Map()
for (const dir of workspaces) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
  manifests.set(manifest.name, { dir, manifest })
}

const problems = []
const internalDeps = (name) => {
  const { manifest } = manifests.get(name)
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((dep) =>
    manifests.has(dep),
  )
}

// 1. No cycles in the workspace graph.
const state = new Map()
const visit = (name, path) => {
  if (state.get(name) === 'done') return
  if (state.get(name) === 'active') {
    problems.push(`dependency cycle: ${[...path, name].join(' -> ')}`)
    return
  }
  state.set(name, 'active')
  for (const dep of internalDeps(name)) visit(dep, [...path, name])
  state.set(name, 'done')
}
for (const name of manifests.keys()) visit(name, [])

// 2. No service depends on another service, and no shared package depends on a service. The one
//    exception is the CLI: its `start` command is combined mode, the composition root that runs
//    controller, broker and gateway in one process.
const compositionRoots = new Set(['packages/cli', 'test'])
for (const [name, { dir }] of manifests) {
  if (compositionRoots.has(dir)) continue
  for (const dep of internalDeps(name)) {
    if (!manifests.get(dep).dir.startsWith('services/')) continue
    problems.push(
      dir.startsWith('services/')
        ? `${name} depends on service ${dep}; services talk over the network only`
        : `${name} depends on service ${dep}; shared packages never depend on services`,
    )
  }
}

// 3. Runtime-agnostic packages: core imports nothing from node: and no native package;
//    storage uses only node: builtins that Bun and Deno provide too, and reaches a native
//    SQLite binding only inside its driver seam.
const agnostic = {
  'packages/core': { allowNode: false, allowNativeIn: [] },
  'packages/storage': { allowNode: true, allowNativeIn: ['src/driver/'] },
}
const nativePackages = ['better-sqlite3', 'bun:sqlite', 'node:sqlite']
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : []
  })
for (const [dir, { allowNode, allowNativeIn }] of Object.entries(agnostic)) {
  let files
  try {
    files = walk(join(root, dir, 'src'))
  } catch {
    continue
  }
  for (const file of files) {
    const rel = file.slice(join(root, dir).length + 1)
    const nativeAllowed = allowNativeIn.some((prefix) => rel.startsWith(prefix))
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const spec = match[1]
      const native = nativePackages.includes(spec)
      if ((native && !nativeAllowed) || (!native && spec.startsWith('node:') && !allowNode)) {
        problems.push(`${dir}/${rel} imports ${spec}; this package must stay runtime-agnostic`)
      }
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-deps: ${problem}`)
  process.exit(1)
}
console.log(`check-deps: ${manifests.size} workspaces, no cycles, boundaries respected`)
