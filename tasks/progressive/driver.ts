/**
 * The driver of a progressive rollout: claims it (one driver at a time),
 * then one batch per round, planned from the live pods: pick the units
 * (a canary's, a rack's), replace them, check the gates, and at the end
 * restore the previous update strategy. Every step re-reads the cluster and
 * writes the state first, so an interruption anywhere leaves a state that
 * a rerun or `rollout resume` continues.
 *
 * @module
 */

import { ExitCode, GroveError } from "../../lib/errors.ts";
import { rfc3339 } from "../../lib/grove/duration.ts";
import { isPodReady } from "../../lib/grove/relations.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { resumedPcs } from "../../lib/revisions/pause.ts";
import { sleep } from "../../lib/async.ts";
import { getPcs } from "../../lib/change/pcs.ts";
import { compareGroups } from "./compare.ts";
import { evaluateGates } from "./gates.ts";
import {
  BatchFailedError,
  loadObjects,
  placementScore,
  replaceBatch,
  saveState,
  scrapeWindows,
  updatedFilter,
} from "./io.ts";
import { type Lease, leaseFor, waitOpts } from "./lease.ts";
import {
  assertReplaceable,
  chooseCanary,
  type Constraint,
  constraintsOf,
  domainOrder,
  pendingUnits,
  planBatches,
  type Unit,
} from "./plan.ts";
import { noteOutcome, rollBack } from "./rollback.ts";
import { advance, type ProgressiveState } from "./state.ts";
import { type ProgressiveCommonOptions, type ProgressiveResult, result } from "./types.ts";

/**
 * Drives a rollout from state `initial`: a stopped one and a canary are
 * reported as they are; otherwise the rollout is claimed, driven forward
 * (or, when it was rolling back, back) and given up again.
 */
export async function drive(
  kube: Kube,
  ns: string,
  initial: ProgressiveState,
  o: ProgressiveCommonOptions,
): Promise<ProgressiveResult> {
  const name = o.name;
  if (initial.phase === "Stopped") {
    return result(name, ns, "stopped", initial.message, {
      state: initial,
      gates: initial.lastGates,
    });
  }
  if (initial.phase === "Canary") {
    const comparison = await compareGroups(
      kube,
      ns,
      initial,
      name,
      o.compareWindowMs ?? 0,
      o.scrape,
    );
    return result(name, ns, "canary", "canary running: promote or abort it", {
      state: initial,
      comparison,
    });
  }
  const lease = leaseFor(kube, ns, initial, o);
  const s = await lease.claim(initial);
  try {
    if (s.phase === "RollingBack") return await rollBack(kube, ns, s, s.message, o, "abort", lease);
    return await new Driver(kube, ns, s, o, lease).run();
  } finally {
    await lease.release();
  }
}

/** The units of the next batch and the constraints they are planned under. */
interface NextUnits {
  units: Unit[];
  constraints: Constraint[];
}

/** One claimed rollout, driven forward one batch per round. */
class Driver {
  /** The state, as last written. */
  s: ProgressiveState;
  /** Batches replaced by this run. */
  batches = 0;

  constructor(
    readonly kube: Kube,
    readonly ns: string,
    initial: ProgressiveState,
    readonly o: ProgressiveCommonOptions,
    readonly lease: Lease,
  ) {
    this.s = initial;
  }

  get name(): string {
    return this.o.name;
  }

  /** Rounds until the rollout is done, stops, rolls back or is interrupted. */
  async run(): Promise<ProgressiveResult> {
    const { o, name } = this;
    for (;;) {
      if (o.signal?.aborted) {
        return result(
          name,
          this.ns,
          "interrupted",
          `interrupted after batch ${this.s.batch}; the state is kept: continue with kubectl grove rollout resume ${name}`,
          { state: this.s, batches: this.batches },
        );
      }
      if (this.s.gatePending) {
        // interrupted between a batch and its gate check: check before going on
        const stop = await this.gate();
        if (stop) return stop;
        if (this.s.gatePending) continue;
      }
      const next = await this.nextUnits();
      if ("outcome" in next) return next;
      if (!next.units.length) break;
      const stop = await this.replace(next);
      if (stop) return stop;
    }
    return await this.complete();
  }

  /** Writes a change of the state (with a fresh lease stamp). */
  async save(change: Partial<ProgressiveState>): Promise<void> {
    const pcs = await getPcs(this.kube, this.ns, this.name);
    this.s = advance(this.s, { ...change, driver: this.lease.stamp() }, new Date());
    await saveState(this.kube, pcs, this.s);
  }

  /**
   * The units to replace next, from the live pods: the pending ones, or the
   * canary's still to go, or those of the current rack; a result instead
   * when the canary is in place or a rack's placement check stopped it.
   */
  async nextUnits(): Promise<NextUnits | ProgressiveResult> {
    const { kube, ns, name, o } = this;
    const s = this.s;
    const objs = await loadObjects(kube, ns, name, s.domainKey !== undefined);
    const inputs = {
      pcs: name,
      cliques: objs.podCliques,
      groups: objs.scalingGroups,
      pods: objs.pods,
      nodes: objs.nodes,
      changed: s.cliques,
      stableHashes: s.stableHashes,
    };
    let units = pendingUnits({ ...inputs, direction: "forward", domainKey: s.domainKey });
    const constraints = constraintsOf(objs.podCliques, objs.scalingGroups);
    if (s.kind === "canary" && s.canaryUnits !== undefined) {
      const inCanaryRole = (u: Unit) => !s.canaryRole || u.roleNames.includes(s.canaryRole);
      const newUnits = pendingUnits({ ...inputs, direction: "back" }).filter(inCanaryRole);
      const left = s.canaryUnits - newUnits.length;
      if (left <= 0 || !units.length) {
        await this.save({
          phase: "Canary",
          message: `${newUnits.length} unit(s) on ${s.image}; promote or abort`,
        });
        const comparison = await compareGroups(
          kube,
          ns,
          this.s,
          name,
          o.compareWindowMs ?? 0,
          o.scrape,
        );
        return result(name, ns, "canary", this.s.message, {
          state: this.s,
          batches: this.batches,
          comparison,
        });
      }
      units = chooseCanary(
        name,
        units,
        Math.min(left, units.filter(inCanaryRole).length || left),
        s.canaryRole,
      );
    }
    if (s.domainKey) {
      const next = domainOrder(units)[0];
      if (s.currentDomain !== undefined && s.currentDomain !== next) {
        const stop = await this.checkDomain();
        if (stop) return stop;
      }
      if (next !== undefined && this.s.currentDomain !== next) {
        await this.save({
          currentDomain: next,
          domainScoreBefore: await placementScore(kube, ns, name),
          message: `updating ${this.s.domainLevel} ${next}`,
        });
        o.progress?.(`${this.s.domainLevel} ${next}: updating`);
      }
      units = units.filter((u) => u.domain === next);
    }
    return { units, constraints };
  }

  /**
   * Replaces the next batch of `units` (state written first, so that an
   * interruption still gets the gate check); a result when failing new pods
   * rolled the rollout back.
   */
  async replace({ units, constraints }: NextUnits): Promise<ProgressiveResult | undefined> {
    const { kube, ns, name, o } = this;
    assertReplaceable(name, units, constraints);
    const batch = planBatches(units, constraints, this.s.batchSize)[0];
    const ids = batch.map((u) => u.id).join(", ");
    o.progress?.(`batch ${this.s.batch + 1}: replacing ${ids}`);
    // gatePending is set before the pods go: an interruption anywhere after this still gets the check
    await this.save({
      gatePending: this.s.gates ? true : undefined,
      message: `replacing batch ${this.s.batch + 1} (${ids})`,
    });
    let done: boolean;
    try {
      done = await replaceBatch(kube, ns, name, batch, constraints, waitOpts(o, this.lease));
    } catch (e) {
      if (e instanceof BatchFailedError && this.s.gates && this.s.rollback !== false) {
        o.progress?.(`${e.message}; rolling back`);
        const cause = `new pods failing: ${e.message}`;
        const r = await rollBack(kube, ns, this.s, cause, o, "failing-pods", this.lease);
        return { ...r, batches: this.batches + r.batches };
      }
      if (e instanceof BatchFailedError) await this.save({ phase: "Stopped", message: e.message });
      throw e;
    }
    if (!done) return undefined; // interrupted: reported at the top of the round
    this.batches++;
    await this.save({
      batch: this.s.batch + 1,
      message: `batch ${this.s.batch + 1} ready (${ids})`,
    });
    return undefined;
  }

  /**
   * Closes the current rack: stops the rollout when the placement score fell
   * below the required one, else records the rack as done.
   */
  async checkDomain(): Promise<ProgressiveResult | undefined> {
    const { kube, ns, name } = this;
    const s = this.s;
    if (!s.currentDomain) return undefined;
    const score = await placementScore(kube, ns, name);
    const required = s.minScore ?? s.domainScoreBefore;
    const done = [...(s.domainsDone ?? []), s.currentDomain];
    if (required !== undefined && score !== undefined && score < required - 1e-9) {
      await this.save({
        phase: "Stopped",
        domainsDone: done,
        message: `placement score ${
          score.toFixed(2)
        } after ${s.domainLevel} ${s.currentDomain} is below ${required.toFixed(2)}`,
      });
      return result(name, ns, "stopped", this.s.message, { state: this.s, batches: this.batches });
    }
    this.o.progress?.(
      `${s.domainLevel} ${s.currentDomain} done${
        score !== undefined ? ` (placement score ${score.toFixed(2)})` : ""
      }`,
    );
    await this.save({
      domainsDone: done,
      currentDomain: undefined,
      domainScoreBefore: undefined,
      message: `${s.domainLevel} ${s.currentDomain} done`,
    });
    return undefined;
  }

  /** Waits until every changed clique is fully ready (after a batch, or on resume); false when interrupted. */
  async settled(): Promise<boolean> {
    const { kube, ns, name, o } = this;
    const start = Date.now();
    const w = waitOpts(o);
    for (;;) {
      const objs = await loadObjects(kube, ns, name, false);
      const ok = objs.podCliques.every((q) => {
        if (!this.s.cliques.some((c) => q.metadata.name.endsWith(`-${c}`))) return true;
        const ready = objs.pods.filter((p) =>
          p.metadata.labels?.["grove.io/podclique"] === q.metadata.name && isPodReady(p) &&
          !p.metadata.deletionTimestamp
        ).length;
        return ready >= Number(q.spec?.replicas ?? 0);
      });
      if (ok) return true;
      if (o.signal?.aborted) return false;
      if (Date.now() - start > w.timeoutMs) {
        throw new GroveError(
          `progressive rollout of podcliqueset "${name}": pods not ready after ${
            Math.round(w.timeoutMs / 1000)
          }s; gates not checked`,
          {
            exitCode: ExitCode.TIMEOUT,
            hint:
              `check the pods with: kubectl grove status ${name}; continue with: kubectl grove rollout resume ${name}`,
          },
        );
      }
      await this.lease.renew();
      await sleep(w.intervalMs, o.signal);
    }
  }

  /** Gates over the updated pods after a batch; a result ends the run (rolled back or stopped). */
  async gate(): Promise<ProgressiveResult | undefined> {
    const { kube, ns, name, o } = this;
    const spec = this.s.gates;
    if (!spec) return undefined;
    if (!(await this.settled())) return undefined;
    o.progress?.(`batch ${this.s.batch}: checking gates over ${spec.windowMs / 1000}s`);
    const w = await scrapeWindows(kube, ns, name, updatedFilter(this.s), spec.windowMs, {
      ...o.scrape,
      signal: o.signal,
    });
    if (o.signal?.aborted) return undefined; // gatePending stays: a resume checks again
    const gates = evaluateGates(spec, w.windows);
    const failed = gates.filter((g) => !g.pass);
    await this.save({
      lastGates: gates,
      gatePending: undefined,
      message: failed.length
        ? `gate failed after batch ${this.s.batch}: ${failed.map((g) => g.gate).join(", ")}`
        : `gates passed after batch ${this.s.batch}`,
    });
    if (!failed.length) return undefined;
    if (this.s.rollback !== false) {
      const r = await rollBack(kube, ns, this.s, this.s.message, o, "gate", this.lease);
      return { ...r, batches: this.batches + r.batches, gates };
    }
    await this.save({ phase: "Stopped" });
    return result(name, ns, "stopped", this.s.message, {
      state: this.s,
      batches: this.batches,
      gates,
    });
  }

  /** No unit left: the last rack's check, the previous strategy restored, the outcome recorded. */
  async complete(): Promise<ProgressiveResult> {
    const { kube, ns, name, o } = this;
    if (this.s.domainKey && this.s.currentDomain) {
      const stop = await this.checkDomain();
      if (stop) return stop;
    }
    const s = this.s;
    const pcs = await getPcs(kube, ns, name);
    await saveState(kube, pcs, undefined, (p) => resumedPcs(p) ?? p);
    await noteOutcome(
      kube,
      ns,
      s,
      `${s.kind === "canary" ? "promoted" : "completed"} ${rfc3339(Date.now())}`,
      o,
    );
    return result(
      name,
      ns,
      "complete",
      `${s.kind} rollout to ${s.image} complete; previous update strategy restored`,
      { batches: this.batches, gates: s.lastGates },
    );
  }
}
