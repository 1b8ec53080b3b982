/** CRC-32C (Castagnoli), the checksum that guards every RecordBatch v2. */
export { crc32c } from './crc32c.ts'
