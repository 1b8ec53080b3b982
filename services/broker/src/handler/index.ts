export { concatBatches, producedBatches } from './batches.ts'
export type { DataPlaneHandlerOptions } from './data-plane-handler.ts'
export { DataPlaneHandler, inProcessClient } from './data-plane-handler.ts'
