import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A partition replica's directory, `<topic>-<partition>` as Kafka names it, and the marker file
 * that ties it to one topic id. Topic names are `[a-zA-Z0-9._-]`, so the name is a safe path
 * segment, and the text after the last `-` is always the partition.
 */

/** Kafka's name for the file that records which topic a partition directory belongs to. */
export const PARTITION_METADATA_FILE = 'partition.metadata'

/*
 * partition.metadata, as Kafka writes it: text, one `key: value` a line.
 *
 *   version: 0
 *   topic_id: <the topic's id>
 */

const MARKER_VERSION = 0

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** The topic and partition a directory name stands for, or undefined if it is not one. */
export function parsePartitionDirName(
  name: string,
): { readonly topic: string; readonly partition: number } | undefined {
  const match = /^(.+)-(0|[1-9]\d*)$/.exec(name)
  if (match === null) return undefined
  const [, topic, partition] = match
  if (topic === undefined || partition === undefined) return undefined
  return { topic, partition: Number(partition) }
}

/** The topic id in `dir`'s marker, or undefined when there is no readable marker. */
export function readTopicId(dir: string): string | undefined {
  let text: string
  try {
    text = readFileSync(join(dir, PARTITION_METADATA_FILE), 'utf8')
  } catch {
    return undefined
  }
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const at = line.indexOf(':')
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim())
  }
  if (fields.get('version') !== String(MARKER_VERSION)) return undefined
  const topicId = fields.get('topic_id')
  return topicId === undefined || topicId === '' ? undefined : topicId
}

/** Writes the marker whole or not at all (a temporary file renamed over it). */
export function writeTopicId(dir: string, topicId: string): void {
  const path = join(dir, PARTITION_METADATA_FILE)
  const temporary = `${path}.tmp`
  writeFileSync(temporary, `version: ${MARKER_VERSION}\ntopic_id: ${topicId}\n`)
  renameSync(temporary, path)
}

/**
 * Makes `dir` the home of a partition of topic `topicId` before its log is opened. A directory
 * whose marker names another topic id (a deleted topic that had the same name), or that has no
 * marker, holds nothing this topic owns: it is emptied first, so a re-created topic starts empty.
 * The marker is written before the log exists, so data is never found without one.
 */
export function claimPartitionDir(dir: string, topicId: string): 'created' | 'kept' | 'replaced' {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true })
    writeTopicId(dir, topicId)
    return 'created'
  }
  if (readTopicId(dir) === topicId) return 'kept'
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeTopicId(dir, topicId)
  return 'replaced'
}

export function removePartitionDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
