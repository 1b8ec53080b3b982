/** The plain-text tables `status` prints: left-aligned columns two spaces apart. */

/** `header` and `rows` as lines, each column as wide as its widest cell, trailing blanks cut. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const table = [header, ...rows]
  const widths = header.map((_, column) =>
    Math.max(...table.map((row) => (row[column] ?? '').length)),
  )
  return table.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  )
}
