export { createTableSql } from './ddl.ts'
export { partitionState } from './partition-tables.ts'
export { batches, segmentEpochs, segmentInfo } from './segment-tables.ts'
