import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * `CREATE TABLE IF NOT EXISTS` for a drizzle table, derived from its definition so the schema has
 * one source. Covers what our tables use: column types, PRIMARY KEY, NOT NULL, literal defaults
 * and plain indexes; anything else is refused rather than silently dropped.
 */
export function createTableSql(table: SQLiteTable): string {
  const config = getTableConfig(table)
  if (
    config.foreignKeys.length > 0 ||
    config.checks.length > 0 ||
    config.primaryKeys.length > 0 ||
    config.uniqueConstraints.length > 0
  ) {
    throw new Error(`createTableSql: table ${config.name} uses a constraint it cannot render`)
  }
  const columns = config.columns.map((column) => {
    let sql = `${quote(column.name)} ${column.getSQLType().toUpperCase()}`
    if (column.primary) sql += ' PRIMARY KEY'
    if (column.notNull && !column.primary) sql += ' NOT NULL'
    if (column.default !== undefined) sql += ` DEFAULT ${literal(column.default)}`
    return sql
  })
  const statements = [`CREATE TABLE IF NOT EXISTS ${quote(config.name)} (${columns.join(', ')})`]
  for (const index of config.indexes) {
    const names = index.config.columns.map((column) => {
      if (!('name' in column)) throw new Error(`createTableSql: index ${index.config.name}`)
      return quote(column.name)
    })
    const unique = index.config.unique ? 'UNIQUE ' : ''
    statements.push(
      `CREATE ${unique}INDEX IF NOT EXISTS ${quote(index.config.name)} ON ${quote(config.name)} (${names.join(', ')})`,
    )
  }
  return statements.join(';\n')
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function literal(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  throw new Error(`createTableSql: unsupported default ${String(value)}`)
}
