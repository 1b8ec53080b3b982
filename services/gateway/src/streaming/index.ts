/**
 * Streamed bodies: concatenated JSON objects cut out of a request as their bytes arrive, and a
 * response written as ordered JSON documents (the v3 produce's streaming mode).
 */
export { JsonObjectSplitter, JsonStreamError, jsonObjects } from './json-splitter.ts'
export { OrderedJsonWriter } from './ordered-writer.ts'
