import type { MessagePosition } from './message-codec.ts'

/**
 * Which stream message holds which offsets, for one log instance: the (stream sequence, first
 * offset) of every message seen so far, in log order, plus where the last one ends. Built from
 * header-only reads and from the instance's own appends and follows; a few numbers per append,
 * so it stays small next to the records themselves.
 *
 * It grows only at its end and only with the message that holds the next offset, so whatever
 * order its feeds arrive in, it never holds a gap or a message twice.
 */
export class OffsetIndex {
  readonly #seqs: number[] = []
  readonly #firstOffsets: number[] = []
  #lastSeq = 0
  #lastOffset = -1

  /** The stream sequence of the last message indexed (0 while none is). */
  get lastSeq(): number {
    return this.#lastSeq
  }

  /** The offset of the last record indexed (-1 while none is). */
  get lastOffset(): number {
    return this.#lastOffset
  }

  /**
   * Adds the message at `seq` if it holds the next offset; answers whether it did. A message
   * already indexed, or one after a gap the index has not filled yet, is left out.
   */
  add(seq: number, position: MessagePosition): boolean {
    if (seq <= this.#lastSeq || position.firstOffset !== this.#lastOffset + 1) return false
    this.#seqs.push(seq)
    this.#firstOffsets.push(position.firstOffset)
    this.#lastSeq = seq
    this.#lastOffset = position.lastOffset
    return true
  }

  /** The stream sequence of the message holding `offset`, if it is indexed. */
  seqOf(offset: number): number | undefined {
    if (offset < 0 || offset > this.#lastOffset) return undefined
    // The last message whose first offset is <= offset.
    let low = 0
    let high = this.#firstOffsets.length - 1
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      if ((this.#firstOffsets[middle] ?? 0) <= offset) low = middle
      else high = middle - 1
    }
    return this.#seqs[low]
  }
}
