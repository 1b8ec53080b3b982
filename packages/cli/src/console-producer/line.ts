import { type BinaryProduceRecord, base64Of } from '../rest/index.ts'

/** How a line of input becomes a record: Kafka's LineMessageReader properties. */
export interface LineFormat {
  readonly parseKey: boolean
  readonly keySeparator: string
  /** With parseKey, a line without the separator becomes a keyless record, not an error. */
  readonly ignoreError: boolean
}

export type ParsedLine =
  | { readonly ok: true; readonly record: BinaryProduceRecord }
  | { readonly ok: false; readonly message: string }

/** One line into a binary-embedded record: base64 of the UTF-8 key and value. Pure. */
export const parseLine = (line: string, format: LineFormat): ParsedLine => {
  if (!format.parseKey) return { ok: true, record: { value: base64Of(line) } }
  const at = format.keySeparator === '' ? -1 : line.indexOf(format.keySeparator)
  if (at < 0) {
    if (format.ignoreError) return { ok: true, record: { value: base64Of(line) } }
    return {
      ok: false,
      message: `no key separator '${format.keySeparator}' in the line`,
    }
  }
  return {
    ok: true,
    record: {
      key: base64Of(line.slice(0, at)),
      value: base64Of(line.slice(at + format.keySeparator.length)),
    },
  }
}
