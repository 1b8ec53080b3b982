/**
 * Kafka's command-line tables: a header row and data rows, each column as wide as its widest
 * cell, left aligned, one space between columns, no trailing spaces. Pure.
 */

/** The table's text, one line per row, each ended by a newline; '' when there are no rows. */
export const formatTable = (header: readonly string[], rows: readonly (readonly string[])[]) => {
  if (rows.length === 0) return ''
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    header
      .map((_, i) => (cells[i] ?? '').padEnd(widths[i] ?? 0))
      .join(' ')
      .trimEnd()
  return `${[header, ...rows].map(line).join('\n')}\n`
}
