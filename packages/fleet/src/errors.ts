/**
 * A fleet setting that cannot work: a queue URL that is not `redis://…`, a Redis that evicts
 * keys, a Redis that cannot be reached. The CLI reports it as a usage error (exit 2).
 */
export class FleetConfigError extends Error {
  override readonly name = "FleetConfigError";
}
