/**
 * One driver at a time: the lease a process holds on a progressive rollout
 * while it drives it, kept in the state annotation (claim, renew while
 * waiting, release when it stops), and the wait options that renew it on
 * every poll.
 *
 * @module
 */

import { rfc3339 } from "../../lib/grove/duration.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { getPcs } from "../../lib/change/pcs.ts";
import { saveState } from "./io.ts";
import { assertNotDriven, type DriverLease, type ProgressiveState, readState } from "./state.ts";
import type { ProgressiveCommonOptions } from "./types.ts";

/** This process, as a driver of progressive rollouts. */
export const DRIVER_ID = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
/** How often a driver renews its lease while it waits. */
const RENEW_MS = 10_000;

/**
 * The claim of this process on one rollout, kept in the state annotation:
 * renewed while it waits, released when it stops (Ctrl-C included). A
 * second command refuses to drive while the claim is live; a killed
 * driver's claim expires after its ttl.
 */
export class Lease {
  #last = 0;
  constructor(
    readonly kube: Kube,
    readonly ns: string,
    readonly name: string,
    readonly ttlMs: number,
    readonly by?: string,
  ) {}

  /** A fresh claim. */
  stamp(): DriverLease {
    this.#last = Date.now();
    return {
      id: DRIVER_ID,
      ...(this.by ? { by: this.by } : {}),
      at: rfc3339(this.#last),
      ttlMs: this.ttlMs,
    };
  }

  /** Takes the rollout (refused while another process drives it); returns the state written. */
  async claim(s: ProgressiveState): Promise<ProgressiveState> {
    const pcs = await getPcs(this.kube, this.ns, this.name);
    const cur = readState(pcs);
    if (cur) assertNotDriven(this.name, cur, DRIVER_ID, Date.now());
    const next = { ...s, driver: this.stamp() };
    await saveState(this.kube, pcs, next);
    return next;
  }

  /** Renews the claim when due (called on every poll); a failed renewal is retried on the next. */
  renew = async (): Promise<void> => {
    const last = this.#last;
    if (Date.now() - last < RENEW_MS) return;
    if (!(await this.#rewriteOwn(() => this.stamp()))) this.#last = last;
  };

  /** Gives the rollout up (its state stays for a rerun or resume); a failure leaves the claim to expire. */
  async release(): Promise<void> {
    await this.#rewriteOwn(() => undefined);
  }

  /**
   * Rewrites the driver field of the stored state while this process holds
   * it. False when the read or the write failed.
   */
  async #rewriteOwn(driver: () => DriverLease | undefined): Promise<boolean> {
    try {
      const pcs = await getPcs(this.kube, this.ns, this.name);
      const cur = readState(pcs);
      if (cur?.driver?.id === DRIVER_ID) {
        await saveState(this.kube, pcs, { ...cur, driver: driver() });
      }
      return true;
    } catch {
      return false;
    }
  }
}

/** The lease of `o.name` for state `s`: its ttl covers the longest wait without a poll. */
export function leaseFor(kube: Kube, ns: string, s: ProgressiveState, o: ProgressiveCommonOptions) {
  // the longest wait without a poll is the gate window's scrape
  const ttl = 30_000 + (s.gates?.windowMs ?? 0) + 3 * (o.intervalMs ?? 2000);
  return new Lease(kube, ns, o.name, ttl, o.createdBy);
}

/** Poll settings of a wait (batch replacement, settling) that renews `lease` on every poll. */
export function waitOpts(o: ProgressiveCommonOptions, lease?: Lease) {
  return {
    intervalMs: o.intervalMs ?? 2000,
    timeoutMs: o.batchTimeoutMs ?? 600_000,
    onPoll: lease?.renew,
    signal: o.signal,
  };
}
