/**
 * Consumer groups: where a group lives (its `__consumer_offsets` partition), the committed-offset
 * records stored there, the assignors, and the coordinator's request and response types.
 */
export type { Assignment, AssignmentInput, Assignor, AssignorMember } from './assignors.ts'
export { assignors, rangeAssignor, roundRobinAssignor, stickyAssignor } from './assignors.ts'
export {
  coordinatorPartition,
  DEFAULT_OFFSETS_TOPIC_PARTITIONS,
  isInternalTopic,
  javaStringHash,
  OFFSETS_TOPIC,
} from './names.ts'
export type { OffsetCommitKey, OffsetCommitValue } from './offset-record.ts'
export {
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from './offset-record.ts'
export type {
  AssignorName,
  CommittedOffset,
  GroupDescription,
  GroupListing,
  GroupOp,
  GroupRequest,
  GroupRequestOf,
  GroupResponse,
  GroupResult,
  GroupResults,
  GroupState,
  InstanceConfig,
  MemberDescription,
  OwnedPartition,
  TopicPartition,
} from './requests.ts'
export {
  ASSIGNORS,
  groupRequestSchema,
  instanceConfigSchema,
  topicPartitionSchema,
} from './requests.ts'
export { groupResultOf } from './result.ts'
