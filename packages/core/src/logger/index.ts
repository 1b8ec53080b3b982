/**
 * The logger every library takes by injection. Its shape is pino's, so services pass a pino
 * logger straight in; libraries never call `console`.
 */
export interface LogFn {
  (fields: object, message?: string): void
  (message: string): void
}

export interface Logger {
  readonly debug: LogFn
  readonly info: LogFn
  readonly warn: LogFn
  readonly error: LogFn
  child(bindings: object): Logger
}

const ignore: LogFn = () => {}

/** Drops everything: the default where a caller passes no logger. */
export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly fields: object
  readonly message: string | undefined
}

/** Keeps every entry in memory, for tests that assert what was logged. */
export function createMemoryLogger(bindings: object = {}, entries: LogEntry[] = []) {
  const at =
    (level: LogEntry['level']): LogFn =>
    (fieldsOrMessage: object | string, message?: string) => {
      if (typeof fieldsOrMessage === 'string') {
        entries.push({ level, fields: { ...bindings }, message: fieldsOrMessage })
      } else {
        entries.push({ level, fields: { ...bindings, ...fieldsOrMessage }, message })
      }
    }
  const logger: Logger & { readonly entries: LogEntry[] } = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => createMemoryLogger({ ...bindings, ...more }, entries),
  }
  return logger
}
