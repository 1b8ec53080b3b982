// Types for the untyped kafkajs internals the interop tests call (kafkajs is a devDependency,
// used only as an independent implementation to check our codec and partitioner against).
// Only what the tests use is declared.

declare module 'kafkajs/src/utils/long.js' {
  class Long {
    static fromValue(value: number | string | bigint | Long): Long
    toString(): string
  }
  export default Long
}

declare module 'kafkajs/src/protocol/encoder.js' {
  class Encoder {
    get buffer(): Buffer
    writeVarInt(value: number): this
    writeVarLong(value: number | bigint): this
  }
  export default Encoder
}

declare module 'kafkajs/src/protocol/decoder.js' {
  class Decoder {
    constructor(buffer: Buffer)
  }
  export default Decoder
}

declare module 'kafkajs/src/protocol/recordBatch/record/v0/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js'

  interface KafkajsRecordInput {
    offsetDelta?: number
    timestampDelta?: number
    key: Buffer | null
    value: Buffer | null
    headers?: Record<string, Buffer | Buffer[]>
  }
  const Record: (record: KafkajsRecordInput) => Encoder
  export default Record
}

declare module 'kafkajs/src/protocol/recordBatch/v0/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js'
  import type Long from 'kafkajs/src/utils/long.js'

  interface KafkajsRecordBatchInput {
    compression?: number
    firstOffset?: Long
    firstTimestamp?: number
    maxTimestamp?: number
    partitionLeaderEpoch?: number
    lastOffsetDelta?: number
    transactional?: boolean
    producerId?: Long
    producerEpoch?: number
    firstSequence?: number
    records: Encoder[]
  }
  const recordBatch: {
    RecordBatch: (batch: KafkajsRecordBatchInput) => Promise<Encoder>
    MAGIC_BYTE: number
  }
  export default recordBatch
}

declare module 'kafkajs/src/protocol/recordBatch/v0/decoder.js' {
  import type Decoder from 'kafkajs/src/protocol/decoder.js'

  interface KafkajsDecodedRecord {
    attributes: number
    timestamp: string
    offset: string
    key: Buffer | null
    value: Buffer | null
    headers: Record<string, Buffer | null | Array<Buffer | null>>
    isControlRecord: boolean
  }
  interface KafkajsDecodedBatch {
    firstOffset: string
    firstTimestamp: string
    maxTimestamp: string
    partitionLeaderEpoch: number
    inTransaction: boolean
    isControlBatch: boolean
    lastOffsetDelta: number
    producerId: string
    producerEpoch: number
    firstSequence: number
    timestampType: number
    records: KafkajsDecodedRecord[]
  }
  const decodeRecordBatch: (decoder: Decoder) => Promise<KafkajsDecodedBatch>
  export default decodeRecordBatch
}

declare module 'kafkajs/src/protocol/message/compression/index.js' {
  const compression: {
    Types: { None: number; GZIP: number; Snappy: number; LZ4: number; ZSTD: number }
  }
  export default compression
}

declare module 'kafkajs/src/producer/partitioners/default/murmur2.js' {
  const murmur2: (key: Buffer | string) => number
  export default murmur2
}

declare module 'kafkajs/src/producer/partitioners/default/index.js' {
  type PartitionerFactory = () => (args: {
    topic: string
    partitionMetadata: Array<{ partitionId: number; leader: number }>
    message: { key?: Buffer | string | null; value: Buffer | string | null; partition?: number }
  }) => number
  const createDefaultPartitioner: PartitionerFactory
  export default createDefaultPartitioner
}
