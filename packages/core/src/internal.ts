/**
 * @tributary/core/internal: what sibling packages and tests need beyond the public entry: the
 * byte writer and reader every wire format in the repository is written with.
 */
export { Reader, Writer } from './binary/index.ts'
