/**
 * Top self-time functions of a V8 .cpuprofile (as `node --cpu-prof` writes), by function and by
 * file or package. Also runnable alone:
 *   node --import tsx test/bench/http-produce/profile-summary.ts <file.cpuprofile> [top] [skip-ms]
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Where a frame lives: a package, a workspace file, a node: builtin, or a V8 pseudo-frame. */
export function placeOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native code)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/')
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path)
  }
  const ws = /\/(packages|services)\/(.+)$/.exec(path)
  if (ws !== null) return `${ws[1]}/${ws[2]}`
  return path.startsWith('node:') ? path : path.split('/').slice(-2).join('/')
}

/** `skipMs`: leave out the first samples (start-up: loading and compiling modules). */
export function summarizeProfile(file: string, top = 30, skipMs = 0): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  let elapsedUs = 0
  profile.samples.forEach((id, i) => {
    elapsedUs += profile.timeDeltas[i] ?? 0
    if (elapsedUs < skipMs * 1000) return
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const byFunction = new Map<string, number>()
  const byPlace = new Map<string, number>()
  let total = 0
  let idle = 0
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame
    if (frame === undefined) continue
    total += us
    if (frame.functionName === '(idle)') idle += us
    const place = placeOf(frame.url, frame.functionName)
    const name = `${frame.functionName || '(anonymous)'}  ${place}${frame.url === '' ? '' : `:${frame.lineNumber + 1}`}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + us)
    byPlace.set(place, (byPlace.get(place) ?? 0) + us)
  }
  const busy = total - idle
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
  const lines = [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled (after the first ${skipMs} ms), ${(idle / 1e6).toFixed(1)} s idle; ` +
      'percentages of the busy (non-idle) time',
    '',
    `top ${top} functions by self time:`,
  ]
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])
  for (const [name, us] of sorted(byFunction)
    .filter(([n]) => !n.startsWith('(idle)'))
    .slice(0, top))
    lines.push(`${ms(us)} ${pct(us)}  ${name}`)
  lines.push('', 'self time by package or file:')
  for (const [place, us] of sorted(byPlace)
    .filter(([p]) => p !== '(idle)')
    .slice(0, top))
    lines.push(`${ms(us)} ${pct(us)}  ${place}`)
  return lines.join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2]
  if (file === undefined) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [top] [skip-ms]')
    process.exit(2)
  }
  console.log(summarizeProfile(file, Number(process.argv[3] ?? 30), Number(process.argv[4] ?? 0)))
}
