import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultTopicConfig, InvalidConfigError, StorageError } from '@tributary/core'
import { describe, expect, it } from 'vitest'
import { defaultLogConfig, PartitionLog, resolveLogConfig } from '../src/index.ts'
import { tempDir } from './helpers.ts'

describe('log config', () => {
  it("defaults to Kafka's topic defaults, fsync flushing", () => {
    expect(resolveLogConfig()).toEqual(defaultLogConfig)
    expect(defaultLogConfig).toMatchObject({
      segmentBytes: defaultTopicConfig.segmentBytes,
      retentionMs: defaultTopicConfig.retentionMs,
      retentionBytes: -1,
      maxMessageBytes: 1_048_588,
      messageTimestampType: 'CreateTime',
      flushMode: 'fsync',
    })
  })

  it("accepts a topic's whole config, using the fields it acts on", () => {
    const config = resolveLogConfig({ ...defaultTopicConfig, segmentBytes: 4096, flushMode: 'os' })
    expect(config.segmentBytes).toBe(4096)
    expect(config.flushMode).toBe('os')
    expect(config).not.toHaveProperty('minInsyncReplicas')
  })

  it('refuses unknown keys and bad values', () => {
    const refuse = (input: object) =>
      expect(() => resolveLogConfig(input as Parameters<typeof resolveLogConfig>[0])).toThrow(
        InvalidConfigError,
      )
    refuse({ segmentByte: 1 })
    refuse({ segmentBytes: 0 })
    refuse({ segmentMs: 1.5 })
    refuse({ retentionMs: -2 })
    refuse({ flushMode: 'never' })
    refuse({ messageTimestampType: 'Whenever' })
  })

  it('opening a directory that cannot be one is a StorageError', async () => {
    const file = join(tempDir(), 'not-a-dir')
    writeFileSync(file, 'x')
    await expect(PartitionLog.open({ dir: file })).rejects.toThrow(StorageError)
  })
})
