/** The systems the benchmark compares, in the order the tables show them. */
export const SYSTEMS = ['tributary', 'jetstream', 'redis'] as const
/** One of {@link SYSTEMS}. */
export type SystemName = (typeof SYSTEMS)[number]
