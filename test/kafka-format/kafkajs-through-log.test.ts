// One format on the wire and on disk: batches a Kafka client library (kafkajs) encodes go into
// the partition log as a leader append, come back out of a read byte for byte, and kafkajs
// decodes them with the offsets and leader epoch the log stamped. Crosses core, storage and an
// implementation nobody here wrote.
import { Buffer } from 'node:buffer'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeRecordBatches } from '@tributary/core'
import { PartitionLog } from '@tributary/storage'
import Decoder from 'kafkajs/src/protocol/decoder.js'
import compression from 'kafkajs/src/protocol/message/compression/index.js'
import KafkajsRecord from 'kafkajs/src/protocol/recordBatch/record/v0/index.js'
import kafkajsDecode from 'kafkajs/src/protocol/recordBatch/v0/decoder.js'
import kafkajsBatch from 'kafkajs/src/protocol/recordBatch/v0/index.js'
import { afterEach, describe, expect, it } from 'vitest'

const T0 = 1_700_000_000_000
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function kafkajsEncode(values: string[], gzip: boolean): Promise<Uint8Array> {
  const records = values.map((value, i) =>
    KafkajsRecord({
      offsetDelta: i,
      timestampDelta: i,
      key: i % 2 === 0 ? null : Buffer.from(`key-${i}`),
      value: Buffer.from(value),
      headers: { source: Buffer.from('kafkajs') },
    }),
  )
  const encoder = await kafkajsBatch.RecordBatch({
    compression: gzip ? compression.Types.GZIP : compression.Types.None,
    firstTimestamp: T0,
    maxTimestamp: T0 + values.length - 1,
    lastOffsetDelta: values.length - 1,
    records,
  })
  return new Uint8Array(encoder.buffer)
}

describe('kafkajs batches through the partition log', () => {
  it('stores them unchanged but for the stamped offsets and epoch, which kafkajs reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-format-'))
    dirs.push(dir)
    const log = await PartitionLog.open({ dir })
    const first = await log.append(await kafkajsEncode(['a', 'b', 'c'], false), 4)
    const second = await log.append(await kafkajsEncode(['d', 'e'], true), 5)
    expect(first).toMatchObject({ baseOffset: 0, lastOffset: 2 })
    expect(second).toMatchObject({ baseOffset: 3, lastOffset: 4 })
    await log.close()

    const reopened = await PartitionLog.open({ dir })
    const read = reopened.read(0, 1024 * 1024)
    expect(read.batches).toHaveLength(2)
    const decoded = []
    for (const batch of read.batches) {
      decoded.push(await kafkajsDecode(new Decoder(Buffer.from(batch))))
    }
    expect(decoded.map((b) => [b.firstOffset, b.partitionLeaderEpoch])).toEqual([
      ['0', 4],
      ['3', 5],
    ])
    const values = decoded.flatMap((b) =>
      b.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString()]),
    )
    expect(values).toEqual([
      ['0', null, 'a'],
      ['1', 'key-1', 'b'],
      ['2', null, 'c'],
      ['3', null, 'd'],
      ['4', 'key-1', 'e'],
    ])
    // Our own decoder agrees on the concatenation a fetch would return.
    const ours = decodeRecordBatches(Buffer.concat(read.batches))
    expect(ours.flatMap((b) => b.records.map((r) => r.offset))).toEqual([0, 1, 2, 3, 4])
    expect(reopened.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 3 })
    await reopened.close()
  })
})
