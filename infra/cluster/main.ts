#!/usr/bin/env node
/**
 * `npm run cluster -- <command>`: a local Tributary cluster of separate processes (nats-server,
 * controllers, brokers, gateways) started, inspected and stopped one command at a time; the
 * state between commands lives in the cluster directory (see infra/README.md).
 * Exit status: 0 done, 1 the command failed, 2 a bad command line.
 */
import { parseCommand, UsageError } from './args.ts'
import { run } from './commands/index.ts'

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
  env: process.env,
}

try {
  await run(parseCommand(process.argv.slice(2), process.cwd()), io)
} catch (error) {
  if (error instanceof UsageError) {
    io.err(`cluster: ${error.message} (usage: npm run cluster -- help)`)
    process.exitCode = 2
  } else {
    io.err(`cluster: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
