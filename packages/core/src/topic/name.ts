import { InvalidTopicError } from '../errors/index.ts'

/** Kafka's limit on a topic name's length. */
export const MAX_TOPIC_NAME_LENGTH = 249

const legalTopicName = /^[a-zA-Z0-9._-]+$/

/**
 * Refuses a topic name Kafka would refuse: empty, longer than 249 characters, `.` or `..`, or
 * holding a character outside `[a-zA-Z0-9._-]`. The message names the rule that failed.
 */
export function validateTopicName(name: string): void {
  if (name.length === 0) throw new InvalidTopicError("Topic name is illegal, it can't be empty")
  if (name === '.' || name === '..') {
    throw new InvalidTopicError(`Topic name cannot be "." or ".."`)
  }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new InvalidTopicError(
      `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`,
    )
  }
  if (!legalTopicName.test(name)) {
    throw new InvalidTopicError(
      `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    )
  }
}

/** Whether a name is legal, for callers that branch rather than throw. */
export function isValidTopicName(name: string): boolean {
  try {
    validateTopicName(name)
    return true
  } catch {
    return false
  }
}

/**
 * Kafka warns that `.` and `_` collide in metric names; two topics whose names differ only
 * there cannot both exist. Returns the form both collapse to.
 */
export function topicCollisionKey(name: string): string {
  return name.replaceAll('.', '_')
}
