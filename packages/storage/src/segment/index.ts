export { parseSegmentFileName, SEGMENT_SUFFIX, segmentFileName } from './file-name.ts'
export type { StoredBatch } from './segment.ts'
export { Segment } from './segment.ts'
export type { BatchRow, EpochStart, SegmentSummary, Synchronous } from './types.ts'
