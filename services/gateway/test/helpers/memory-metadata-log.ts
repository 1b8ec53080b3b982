import type {
  MetadataLogEntry,
  MetadataReader,
  MetadataRecord,
  MetadataSubscription,
} from '@tributary/core'

/**
 * A metadata log held in memory for tests: what a MetadataFollower reads. Entries are delivered
 * to followers synchronously as they are appended.
 */
export class MemoryMetadataLog implements MetadataReader {
  readonly entries: MetadataLogEntry[] = []
  readonly #followers = new Set<(entry: MetadataLogEntry) => void>()

  append(records: readonly MetadataRecord[]): number {
    for (const record of records) {
      const entry: MetadataLogEntry = {
        offset: this.entries.length,
        controllerEpoch: 1,
        timestamp: Date.now(),
        record,
      }
      this.entries.push(entry)
      for (const follower of this.#followers) follower(entry)
    }
    return this.entries.length - 1
  }

  async read(
    fromOffset: number,
    maxEntries = Number.MAX_SAFE_INTEGER,
  ): Promise<MetadataLogEntry[]> {
    return this.entries.slice(fromOffset, fromOffset + maxEntries)
  }

  async lastOffset(): Promise<number> {
    return this.entries.length - 1
  }

  follow(fromOffset: number, onEntry: (entry: MetadataLogEntry) => void): MetadataSubscription {
    for (const entry of this.entries.slice(fromOffset)) onEntry(entry)
    this.#followers.add(onEntry)
    return { close: () => this.#followers.delete(onEntry) }
  }
}
