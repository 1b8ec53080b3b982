/** Where a command writes and what it reads from its environment (the entry file passes them in). */
export interface Io {
  /** Writes one line of the command's output. */
  readonly out: (line: string) => void
  /** Writes one line of progress or warning (stderr, so `status --json` stays parseable). */
  readonly err: (line: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
}
