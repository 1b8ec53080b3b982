export type { AppDeps } from './app.ts'
export {
  createApp,
  DEFAULT_METADATA_PAGE_ENTRIES,
  MAX_METADATA_PAGE_ENTRIES,
  MAX_METADATA_WAIT_MS,
  MAX_REQUEST_BODY_BYTES,
} from './app.ts'
export { statusForCode } from './errors.ts'
