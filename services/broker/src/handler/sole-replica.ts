import type { PartitionLog } from '@tributary/storage'
import type { LedPartition } from '../replica/index.ts'

/**
 * When this broker is the partition's only in-sync replica, everything its log holds is
 * committed: the high watermark is the log end. Run on every request, not only after appends,
 * because after a crash the checkpointed high watermark can trail the log (it is written at the
 * end of an event-loop turn), and acknowledged records past it would stay invisible. The group
 * coordinator runs it too before it replays a `__consumer_offsets` partition.
 */
export function commitIfSoleReplica(log: PartitionLog, led: LedPartition, brokerId: number): void {
  const { isr } = led.state
  if (isr.length === 1 && isr[0] === brokerId && log.highWatermark < log.logEndOffset) {
    log.setHighWatermark(log.logEndOffset)
  }
}
