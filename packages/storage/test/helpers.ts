import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  decodeRecordBatch,
  type EncodeRecordBatchOptions,
  encodeRecordBatch,
} from '@tributary/core'
import { onTestFinished } from 'vitest'
import { PartitionLog, type PartitionLogOptions } from '../src/index.ts'

/** A fresh directory for one test, removed when the test ends. */
export function tempDir(prefix = 'tributary-storage-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The runtime executing the tests. */
export function runtimeName(): 'bun' | 'deno' | 'node' {
  const runtime = globalThis as { Bun?: unknown; Deno?: unknown }
  if (runtime.Bun !== undefined) return 'bun'
  if (runtime.Deno !== undefined) return 'deno'
  return 'node'
}

/** Plain bytes, so a `Buffer` from one driver compares equal to a `Uint8Array` from another. */
export function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}

/** A producer batch holding one record per value (UTF-8), with fixed timestamps. */
export function batchOf(values: readonly string[], options: BatchOptions = {}): Uint8Array {
  const timestamp = options.timestamp ?? 1_700_000_000_000
  return encodeRecordBatch(
    values.map((value, index) => ({
      key: null,
      value: textEncoder.encode(value),
      timestamp: timestamp + index,
    })),
    options,
  )
}

export interface BatchOptions extends EncodeRecordBatchOptions {
  /** Create time of the first record; the rest follow 1 ms apart. */
  readonly timestamp?: number
}

/** The record values of stored batches, in order. */
export function valuesOf(batches: readonly Uint8Array[]): string[] {
  return batches.flatMap((bytes) =>
    decodeRecordBatch(bytes).records.map((record) =>
      record.value === null ? '<null>' : textDecoder.decode(record.value),
    ),
  )
}

/** The offsets of every record in stored batches, in order. */
export function offsetsOf(batches: readonly Uint8Array[]): number[] {
  return batches.flatMap((bytes) => decodeRecordBatch(bytes).records.map((record) => record.offset))
}

/** Opens a log in `dir` (a fresh temp dir by default), closed when the test ends. */
export async function openLog(
  options: Partial<PartitionLogOptions> = {},
): Promise<PartitionLog & { readonly dir: string }> {
  const log = await PartitionLog.open({ dir: options.dir ?? tempDir(), ...options })
  onTestFinished(() => log.close())
  return log
}

/** Reads everything from the log start to the log end. */
export function readAll(log: PartitionLog): Uint8Array[] {
  return log.read(log.logStartOffset, Number.MAX_SAFE_INTEGER).batches
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/** Flips the bits of the byte at `index` (default: the last byte) in place. */
export function flipByte(bytes: Uint8Array, index = bytes.length - 1): Uint8Array {
  bytes[index] = (bytes[index] ?? 0) ^ 0xff
  return bytes
}
