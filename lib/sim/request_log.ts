/**
 * The simulated cluster's request log: one entry per answered request, easy
 * to count and reset between test steps.
 *
 * @module
 */

/** One request the simulated cluster answered. */
export interface RequestLogEntry {
  /** HTTP method. */
  method: string;
  /** URL path, without the query. */
  path: string;
  /** Query string without the `?` ("" when none). */
  query: string;
  /** HTTP status sent. */
  status: number;
  /** Authenticated user (`admin`, `readonly`) or "" when unauthenticated. */
  user: string;
  /** Time to the response head, in ms. */
  ms: number;
}

/** An append-only list of {@link RequestLogEntry} with counting helpers. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];

  /** Adds an entry. */
  add(e: RequestLogEntry): void {
    this.#entries.push(e);
  }

  /** The entries so far. */
  get entries(): readonly RequestLogEntry[] {
    return this.#entries;
  }

  /** The number of entries. */
  get length(): number {
    return this.#entries.length;
  }

  /** Forgets every entry (start counting afresh). */
  reset(): void {
    this.#entries = [];
  }

  /** Entries that satisfy `pred`. */
  filter(pred: (e: RequestLogEntry) => boolean): RequestLogEntry[] {
    return this.#entries.filter(pred);
  }

  /** How many entries satisfy `pred` (all when omitted). */
  count(pred?: (e: RequestLogEntry) => boolean): number {
    return pred ? this.#entries.filter(pred).length : this.#entries.length;
  }

  /** Iterates the entries. */
  [Symbol.iterator](): Iterator<RequestLogEntry> {
    return this.#entries[Symbol.iterator]();
  }
}
