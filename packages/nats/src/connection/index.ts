export { isStreamNotFound, isWrongLastSequence } from './jetstream-errors.ts'
