import { describe, expect, it } from 'vitest'
import {
  CorruptRecordError,
  ErrorCode,
  errorCodeInfo,
  errorFromData,
  InvalidConfigError,
  InvalidTopicError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  StorageError,
  TributaryError,
  toErrorData,
  UnexpectedAppendOffsetError,
  UnsupportedCompressionError,
} from '../src/index.ts'

describe('errors', () => {
  it('gives every error class its code and default retriability', () => {
    const cases: Array<[TributaryError, ErrorCode]> = [
      [new CorruptRecordError('x'), ErrorCode.CorruptMessage],
      [new RecordTooLargeError('x'), ErrorCode.MessageTooLarge],
      [new UnsupportedCompressionError('x'), ErrorCode.UnsupportedCompressionType],
      [new InvalidTopicError('x'), ErrorCode.InvalidTopic],
      [new InvalidConfigError('x'), ErrorCode.InvalidConfig],
      [new OffsetOutOfRangeError('x'), ErrorCode.OffsetOutOfRange],
      [new UnexpectedAppendOffsetError('x'), ErrorCode.UnexpectedAppendOffset],
      [new StorageError('x'), ErrorCode.KafkaStorageError],
    ]
    for (const [error, code] of cases) {
      expect(error).toBeInstanceOf(TributaryError)
      expect(error).toBeInstanceOf(Error)
      expect(error.code).toBe(code)
      expect(error.retriable).toBe(errorCodeInfo[code].retriable)
      expect(error.name).not.toBe('TributaryError')
    }
  })

  it('has Kafka numbers for the codes Kafka defines', () => {
    expect(new CorruptRecordError('x').kafkaCode).toBe(2)
    expect(new RecordTooLargeError('x').kafkaCode).toBe(10)
    expect(errorCodeInfo[ErrorCode.NotLeaderOrFollower]).toEqual({ kafkaCode: 6, retriable: true })
    const numbers = Object.values(errorCodeInfo)
      .map((info) => info.kafkaCode)
      .filter((n) => n !== -1)
    expect(new Set(numbers).size).toBe(numbers.length)
  })

  it('keeps the cause and lets a caller override retriability', () => {
    const cause = new Error('disk on fire')
    const error = new StorageError('append failed', { cause, retriable: false })
    expect(error.cause).toBe(cause)
    expect(error.retriable).toBe(false)
  })

  it('crosses a process boundary as data and back', () => {
    const sent = new InvalidTopicError('bad name').toData()
    const json = JSON.parse(JSON.stringify(sent))
    const back = errorFromData(json)
    expect(back.code).toBe(ErrorCode.InvalidTopic)
    expect(back.message).toBe('bad name')
    expect(back.retriable).toBe(false)
  })

  it('collapses unknown codes and foreign errors to one generic code without details', () => {
    expect(errorFromData({ code: 'NOPE', message: 'm' }).code).toBe(ErrorCode.UnknownServerError)
    const data = toErrorData(new TypeError('secret internals'))
    expect(data).toEqual({
      code: ErrorCode.UnknownServerError,
      message: 'internal error',
      retriable: false,
    })
  })
})
