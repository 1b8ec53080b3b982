import { describe, expect, it } from 'vitest'
import {
  decodeProduceResponse,
  ErrorCode,
  encodeErrorResponse,
  errorCodeInfo,
  errorFromWire,
  errorToWire,
  FrameDecoder,
  NO_ERROR,
  TributaryError,
  UnexpectedAppendOffsetError,
} from '../src/index.ts'

const numbered = Object.values(ErrorCode).filter((code) => errorCodeInfo[code].kafkaCode !== -1)

describe('wire errors', () => {
  it('round-trips every code that has a Kafka number, through a response frame', () => {
    expect(numbered.length).toBeGreaterThan(10)
    for (const code of numbered) {
      const sent = new TributaryError(code, `failed with ${code}`)
      const wire = errorToWire(sent)
      expect(wire).toEqual({ errorCode: errorCodeInfo[code].kafkaCode, errorMessage: sent.message })
      const [frame] = new FrameDecoder().push(
        encodeErrorResponse({ apiKey: 0, apiVersion: 0, correlationId: 1 }, sent),
      )
      const response = decodeProduceResponse(frame as NonNullable<typeof frame>)
      const back = errorFromWire(response.errorCode, response.errorMessage)
      expect(back).toBeInstanceOf(TributaryError)
      expect(back?.code).toBe(code)
      expect(back?.message).toBe(sent.message)
      expect(back?.retriable).toBe(errorCodeInfo[code].retriable)
    }
  })

  it('reads 0 as no error', () => {
    expect(errorFromWire(NO_ERROR.errorCode, NO_ERROR.errorMessage)).toBeUndefined()
    expect(errorFromWire(0, 'ignored')).toBeUndefined()
  })

  it('sends codes without a Kafka number as UNKNOWN_SERVER_ERROR, keeping the message', () => {
    const wire = errorToWire(new UnexpectedAppendOffsetError('expected offset 5, got 7'))
    expect(wire).toEqual({ errorCode: -1, errorMessage: 'expected offset 5, got 7' })
    const back = errorFromWire(wire.errorCode, wire.errorMessage)
    expect(back?.code).toBe(ErrorCode.UnknownServerError)
    expect(back?.message).toBe('expected offset 5, got 7')
  })

  it('leaks nothing of an error that is not a TributaryError', () => {
    for (const error of [new Error('ENOENT /var/lib/secret'), 'a string', undefined, { code: 6 }]) {
      const wire = errorToWire(error)
      expect(wire.errorCode).toBe(-1)
      expect(wire.errorMessage).toBe('internal error')
    }
  })

  it('reads a number it does not know as UNKNOWN_SERVER_ERROR naming the number', () => {
    const back = errorFromWire(9999, 'from the future')
    expect(back?.code).toBe(ErrorCode.UnknownServerError)
    expect(back?.message).toBe('error code 9999: from the future')
    expect(errorFromWire(9999, null)?.message).toBe('error code 9999')
  })

  it('uses the code as the message when none was sent', () => {
    expect(errorFromWire(6, null)?.message).toBe(ErrorCode.NotLeaderOrFollower)
  })

  it('shortens a message too long for an int16 string so the response still encodes', () => {
    const sent = new TributaryError(ErrorCode.InvalidRequest, '€'.repeat(20_000)) // 60,000 bytes
    const wire = errorToWire(sent)
    expect(wire.errorMessage?.length).toBeLessThan(20_000)
    const [frame] = new FrameDecoder().push(
      encodeErrorResponse({ apiKey: 0, apiVersion: 0, correlationId: 1 }, sent),
    )
    const response = decodeProduceResponse(frame as NonNullable<typeof frame>)
    expect(response.errorMessage).toBe(wire.errorMessage)
    expect(sent.message.startsWith(response.errorMessage ?? 'x')).toBe(true)
  })
})
