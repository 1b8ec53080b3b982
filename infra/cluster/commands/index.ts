/** The commands of `npm run cluster`, one function each, and `run` to dispatch a parsed command line. */
import { type Command, USAGE } from '../args.ts'
import { down } from './down.ts'
import type { Io } from './io.ts'
import { addBroker, killController, startMember, stopBroker } from './members.ts'
import { status } from './status.ts'
import { up } from './up.ts'

export type { PartitionStatus, TopicStatus } from '../partitions.ts'
export type { Io } from './io.ts'
export type { ClusterStatus, ProcessStatus } from './status.ts'

/** Runs one parsed command. */
export function run(command: Command, io: Io): Promise<void> {
  switch (command.kind) {
    case 'help':
      io.out(USAGE)
      return Promise.resolve()
    case 'up':
      return up(command, io)
    case 'status':
      return status(command, io)
    case 'down':
      return down(command, io)
    case 'add-broker':
      return addBroker(command, io)
    case 'stop-broker':
    case 'kill-broker':
      return stopBroker(command, io)
    case 'start-broker':
    case 'start-controller':
      return startMember(command, io)
    case 'kill-controller':
      return killController(command, io)
  }
}
