/** Segment files are named by their base offset, zero-padded to 20 digits, as Kafka names its. */
const SEGMENT_FILE = /^(\d{20})\.sqlite$/

export const SEGMENT_SUFFIX = '.sqlite'

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}${SEGMENT_SUFFIX}`
}

/** The base offset a segment file name stands for, or undefined for any other file. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_FILE.exec(name)
  return match?.[1] === undefined ? undefined : Number(match[1])
}
