import { describe, expect, it } from 'vitest'
import {
  BadResponseError,
  CliError,
  CliErrorCode,
  exitCodeOf,
  formatError,
  PartialFailureError,
  ServerError,
  UnreachableError,
  UsageError,
} from '../src/errors/index.ts'
import { serverErrorOf } from '../src/rest/index.ts'

describe('CLI errors', () => {
  it('gives every error class its code and exit code', () => {
    const cases: [CliError, CliErrorCode, number][] = [
      [new UsageError('bad', 'topics'), CliErrorCode.Usage, 2],
      [new ServerError(404, 40401, 'Topic not found.'), CliErrorCode.Server, 1],
      [new UnreachableError('down'), CliErrorCode.Unreachable, 1],
      [new BadResponseError('odd'), CliErrorCode.BadResponse, 1],
      [new PartialFailureError('some'), CliErrorCode.PartialFailure, 1],
    ]
    for (const [error, code, exit] of cases) {
      expect(error).toBeInstanceOf(CliError)
      expect(error.code).toBe(code)
      expect(exitCodeOf(error.code)).toBe(exit)
    }
    expect(new Set(cases.map(([, code]) => code))).toEqual(new Set(Object.values(CliErrorCode)))
  })

  it('marks the REST Proxy retriable family retriable', () => {
    expect(new ServerError(500, 50003, 'x').retriable).toBe(true)
    expect(new ServerError(503, 50302, 'x').retriable).toBe(true)
    expect(new ServerError(500, 50002, 'x').retriable).toBe(false)
    expect(new UnreachableError('x').retriable).toBe(true)
  })

  it('prints one line: the message and the error_code', () => {
    expect(formatError(new ServerError(404, 40401, 'Topic not found.'))).toBe(
      'Error: Topic not found. (error_code 40401)',
    )
    expect(formatError(new UnreachableError('cannot reach http://x'))).toBe(
      'Error: cannot reach http://x',
    )
    expect(formatError('odd')).toBe('Error: odd')
  })

  it("reads the server's error body, and makes one line of anything else", () => {
    const parsed = serverErrorOf(
      422,
      'Unprocessable Entity',
      '{"error_code":42206,"message":"bad base64"}',
    )
    expect([parsed.status, parsed.errorCode, parsed.message]).toEqual([422, 42206, 'bad base64'])
    const noCode = serverErrorOf(415, 'Unsupported Media Type', '{"message":"HTTP 415"}')
    expect(noCode.errorCode).toBe(415)
    const text = serverErrorOf(502, 'Bad Gateway', '<html>\n<body>oops</body>')
    expect([text.errorCode, text.message]).toEqual([502, '<html>'])
    expect(serverErrorOf(500, 'Internal Server Error', '').message).toBe(
      'HTTP 500 Internal Server Error',
    )
  })
})
