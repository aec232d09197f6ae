/**
 * Fault injection for the simulated cluster: latency, a rate of error answers
 * (429/500/503 with Retry-After) and dropped watch streams, driven by a
 * seeded PRNG so a test sees the same faults on every run.
 *
 * @module
 */

import { prng } from "./prng.ts";

export { prng };

/** Faults to inject. */
export interface SimFaults {
  /** Delay before every answer, in ms. */
  latencyMs?: number;
  /** Share of requests (0..1) answered with an error status. */
  errorRate?: number;
  /** Statuses to pick from for injected errors (default [429, 500, 503]). */
  errorStatuses?: number[];
  /** Retry-After seconds sent with injected 429/503 answers (default 1 for 429, none otherwise). */
  retryAfterSeconds?: number;
  /** Close every watch stream after this many ms. */
  dropWatchAfterMs?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Only requests whose path matches are subject to errors and latency (default: all API requests). */
  pathPattern?: RegExp;
  /** Only requests with one of these methods get errors (default: every method). */
  methods?: string[];
  /** Instead of a rate: the first N matching requests get an error, the rest none. */
  failFirst?: number;
}

/** Decides, request by request, which faults apply. */
export class FaultInjector {
  #f: SimFaults = {};
  #rand: () => number = prng(1);
  #failed = 0;

  /** Starts with the given faults. */
  constructor(faults: SimFaults = {}) {
    this.set(faults);
  }

  /** Replaces the faults (and re-seeds the PRNG). */
  set(faults: SimFaults): void {
    this.#f = { ...faults };
    this.#failed = 0;
    this.#rand = prng(faults.seed ?? 1);
  }

  /** The current faults. */
  get faults(): SimFaults {
    return this.#f;
  }

  #applies(path: string): boolean {
    return !this.#f.pathPattern || this.#f.pathPattern.test(path);
  }

  /** Delay in ms for this request (0 for none). */
  latency(path: string): number {
    return this.#applies(path) ? this.#f.latencyMs ?? 0 : 0;
  }

  /** The error status to answer this request with, or undefined. */
  error(path: string, method = "GET"): { status: number; retryAfterSeconds?: number } | undefined {
    if (!this.#applies(path)) return undefined;
    if (this.#f.methods && !this.#f.methods.includes(method)) return undefined;
    if (this.#f.failFirst !== undefined) {
      if (this.#failed >= this.#f.failFirst) return undefined;
      this.#failed++;
    } else {
      const rate = this.#f.errorRate ?? 0;
      if (rate <= 0) return undefined;
      if (this.#rand() >= rate) return undefined;
    }
    const statuses = this.#f.errorStatuses?.length ? this.#f.errorStatuses : [429, 500, 503];
    const status = statuses[Math.floor(this.#rand() * statuses.length)];
    const retryAfterSeconds = this.#f.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    return { status, retryAfterSeconds: status === 500 ? undefined : retryAfterSeconds };
  }

  /** Ms after which a watch stream is closed, or undefined. */
  get dropWatchAfterMs(): number | undefined {
    return this.#f.dropWatchAfterMs;
  }
}
