/**
 * Progressive rollouts driven by kubectl-grove over OnDelete: canary,
 * promote, abort, rack-by-rack and metrics-gated updates, and resume. Every
 * step re-reads the cluster and plans the next batch from the pods' template
 * hashes, so an interrupted run (Ctrl-C, a lost connection) leaves a
 * consistent state that a rerun or `rollout resume` continues.
 *
 * The entry points are here; the types in `types.ts`, the one-driver lease
 * in `lease.ts`, the batch loop in `driver.ts`, rolling back in
 * `rollback.ts`, the canary comparison in `compare.ts`.
 *
 * @module
 */

import { pauseRefusal } from "../../lib/grove/strategy.ts";
import { ExitCode, GroveError } from "../../lib/errors.ts";
import { rfc3339 } from "../../lib/grove/duration.ts";
import type { Pod } from "../../lib/grove/types.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { pausedPcs, resumedPcs } from "../../lib/revisions/pause.ts";
import { templateHash } from "../../lib/revisions/revision.ts";
import { assertNotDeleting, getPcs } from "../../lib/change/pcs.ts";
import { runChange } from "../../lib/change/run.ts";
import { applyImageChange } from "../update/plan.ts";
import { drive } from "./driver.ts";
import { domainKeyOf, loadObjects, saveState, type ScrapeOptions, scrapeWindows } from "./io.ts";
import { DRIVER_ID, leaseFor } from "./lease.ts";
import {
  assertReplaceable,
  chooseCanary,
  constraintsOf,
  currentHashes,
  domainOrder,
  pendingUnits,
  planBatches,
  type Unit,
} from "./plan.ts";
import { noteOutcome, rollBack } from "./rollback.ts";
import {
  advance,
  assertNotDriven,
  checkNoOther,
  type GateSpec,
  initialState,
  requireState,
  withState,
} from "./state.ts";
import {
  type ProgressiveCommonOptions,
  type ProgressiveResult,
  result,
  type StartProgressiveOptions,
} from "./types.ts";

export { compareGroups } from "./compare.ts";
export type {
  GroupFigures,
  ProgressiveCommonOptions,
  ProgressiveResult,
  StartProgressiveOptions,
} from "./types.ts";

/** Refuses gates when no pod of the changed roles exports the gated latency histograms. */
async function preflightGates(
  kube: Kube,
  ns: string,
  name: string,
  gates: GateSpec,
  changed: string[],
  scrape: ScrapeOptions | undefined,
): Promise<void> {
  const inChanged = (p: Pod) =>
    changed.some((c) => (p.metadata.labels?.["grove.io/podclique"] ?? "").endsWith(`-${c}`));
  const s = await scrapeWindows(kube, ns, name, inChanged, 0, scrape ?? {});
  const has = (key: "ttft" | "itl") =>
    Object.values(s.windows).some((w) => w.deltas[key] !== undefined);
  const missing: string[] = [];
  if (gates.ttftP99Ms !== undefined && !has("ttft")) missing.push("TTFT");
  if (gates.tpotP99Ms !== undefined && !has("itl")) missing.push("TPOT (inter-token latency)");
  if (!missing.length) return;
  throw new GroveError(
    `cannot gate the rollout of podcliqueset "${name}" on ${missing.join(" and ")}: ${
      s.pods.length === 0
        ? "none of its pods to update is running, ready and exposes a metrics port"
        : `no scraped pod exports those histograms (${s.pods.length} scraped${
          s.failed.length ? `; failed: ${s.failed.slice(0, 3).join("; ")}` : ""
        })`
    }; nothing was changed`,
    {
      exitCode: ExitCode.USAGE,
      hint:
        `check with: kubectl grove metrics ${name}; fix the scrape (metrics.port, pods/proxy access) or drop the --gate-* flags (kubectl grove update --rack-by-rack has no gates)`,
    },
  );
}

/**
 * Starts a progressive rollout: switches to OnDelete, changes the image
 * (revision recorded), keeps the state on the PodCliqueSet, then replaces
 * pods batch by batch. A rerun of the same rollout continues it.
 *
 * @example
 * ```ts ignore
 * import { connect, startProgressive } from "./mod.ts";
 * const r = await startProgressive(await connect(), {
 *   kind: "canary", name: "qwen", image: "vllm/vllm-openai:v0.11.0", role: "prefill", canaryPods: 1,
 * });
 * console.log(r.outcome, r.comparison);
 * ```
 */
export async function startProgressive(
  kube: Kube,
  o: StartProgressiveOptions,
): Promise<ProgressiveResult> {
  const ns = o.namespace ?? kube.namespace;
  const objs = await loadObjects(kube, ns, o.name, true);
  assertNotDeleting(objs.pcs, "start a progressive rollout");
  const existing = checkNoOther(objs.pcs, { kind: o.kind, image: o.image });
  if (existing && o.dryRun) {
    return result(
      o.name,
      ns,
      "dry-run",
      `would continue the ${existing.kind} rollout to ${existing.image} from batch ${existing.batch}; nothing changed`,
      { state: existing },
    );
  }
  if (existing) {
    o.progress?.(
      `continuing the ${existing.kind} rollout to ${existing.image} (batch ${existing.batch})`,
    );
    return await drive(kube, ns, existing, o);
  }
  // A progressive rollout switches the strategy to OnDelete, like a pause.
  const refusal = pauseRefusal(objs.pcs);
  if (refusal) {
    throw new GroveError(`cannot drive a ${o.kind} rollout: ${refusal}`, {
      hint: `update without a progressive rollout (kubectl grove update ${o.name} --image ...)`,
    });
  }
  const domainKey = o.kind === "rack-by-rack"
    ? await domainKeyOf(kube, o.domainLevel ?? "rack", objs.nodes)
    : undefined;
  const { next, targets } = applyImageChange(objs.pcs, {
    image: o.image,
    role: o.role,
    container: o.container,
  });
  const changed = [...new Set(targets.filter((t) => t.from !== t.to).map((t) => t.clique))];
  if (!changed.length) {
    throw new GroveError(
      `podcliqueset "${o.name}" already runs ${o.image}${
        o.role ? ` for role ${o.role}` : ""
      }; nothing to roll out`,
      { hint: `see kubectl grove rollout history ${o.name}` },
    );
  }
  if (o.gates) await preflightGates(kube, ns, o.name, o.gates, changed, o.scrape);
  const stableHashes = currentHashes(objs.pods, objs.podCliques);
  const units = pendingUnits({
    pcs: o.name,
    cliques: objs.podCliques,
    groups: objs.scalingGroups,
    pods: objs.pods,
    nodes: objs.nodes,
    changed,
    stableHashes,
    direction: "forward",
    domainKey,
  });
  const constraints = constraintsOf(objs.podCliques, objs.scalingGroups);
  const batchSize = Math.max(1, o.batchSize ?? 1);
  let planned: Unit[][];
  let canaryRole: string | undefined;
  if (o.kind === "canary") {
    const chosen = chooseCanary(o.name, units, o.canaryPods ?? 1, o.role);
    canaryRole = o.role ?? chosen[0]?.role;
    assertReplaceable(o.name, chosen, constraints);
    planned = planBatches(chosen, constraints, batchSize);
  } else {
    assertReplaceable(o.name, units, constraints);
    planned = domainKey
      ? domainOrder(units).flatMap((d) =>
        planBatches(units.filter((u) => u.domain === d), constraints, batchSize)
      )
      : planBatches(units, constraints, batchSize);
  }
  const now = new Date();
  const state = initialState({
    kind: o.kind,
    image: o.image,
    role: o.role,
    cliques: changed,
    fromHash: templateHash(objs.pcs.spec.template),
    toHash: templateHash(next.spec.template),
    stableHashes,
    batchSize,
    canaryUnits: o.kind === "canary" ? o.canaryPods ?? 1 : undefined,
    canaryRole,
    domainLevel: domainKey ? o.domainLevel ?? "rack" : undefined,
    domainKey,
    domainsDone: domainKey ? [] : undefined,
    minScore: o.minScore,
    gates: o.gates,
    rollback: o.gates ? o.rollback !== false : undefined,
    by: o.createdBy,
  }, now);
  const desired = withState(pausedPcs(next, now) ?? next, state);
  const plannedBatches = planned.map((b) => b.map((u) => u.id));
  const res = await runChange(kube, {
    before: objs.pcs,
    next: desired,
    targets,
    dryRun: o.dryRun,
    confirm: o.confirm ? (plan) => o.confirm!(plan, planned) : undefined,
    changeCause: o.changeCause ??
      `${o.kind} rollout of image ${o.image}${o.role ? ` (role ${o.role})` : ""}`,
    createdBy: o.createdBy ?? kube.contextName,
    historyLimit: o.historyLimit,
  });
  if (!res.applied) {
    const outcome = res.skipped === "declined" ? "declined" : "dry-run";
    return result(
      o.name,
      ns,
      outcome,
      outcome === "declined"
        ? "cancelled; nothing was changed"
        : "dry run: validated by the server, nothing changed",
      { plan: res.plan, plannedBatches },
    );
  }
  o.progress?.(
    `podcliqueset/${o.name}: strategy OnDelete, template changed${
      res.revision !== undefined ? ` (revision ${res.revision})` : ""
    }; ${planned.length} batch(es) planned`,
  );
  const r = await drive(kube, ns, { ...state, toRevision: res.revision }, o);
  return { ...r, revision: res.revision, plan: res.plan, plannedBatches };
}

/**
 * Continues a progressive rollout from its recorded state: the canary
 * stays at `Canary` (promote or abort it), an interrupted run goes on, an
 * interrupted abort finishes.
 */
export async function resumeProgressive(
  kube: Kube,
  o: ProgressiveCommonOptions,
): Promise<ProgressiveResult> {
  const ns = o.namespace ?? kube.namespace;
  const pcs = await getPcs(kube, ns, o.name);
  const s = requireState(pcs, "resume");
  if (s.phase === "Stopped") {
    throw new GroveError(
      `the ${s.kind} rollout of podcliqueset "${o.name}" stopped: ${s.message}`,
      {
        exitCode: ExitCode.CHECK_FAILED,
        hint:
          `finish it anyway with: kubectl grove rollout promote ${o.name}, or roll back with: kubectl grove rollout abort ${o.name}`,
      },
    );
  }
  return await drive(kube, ns, s, o);
}

/** Promotes a canary (or a stopped rollout): replaces the remaining pods batch by batch, then restores the previous strategy. */
export async function promote(
  kube: Kube,
  o: ProgressiveCommonOptions & { handoff?: boolean },
): Promise<ProgressiveResult> {
  const ns = o.namespace ?? kube.namespace;
  const pcs = await getPcs(kube, ns, o.name);
  const s = requireState(pcs, "promote");
  assertNotDriven(o.name, s, DRIVER_ID, Date.now());
  if (s.phase === "RollingBack") {
    throw new GroveError(
      `podcliqueset "${o.name}" is rolling back (${s.message}); cannot promote`,
      {
        hint: `let it finish with: kubectl grove rollout resume ${o.name}`,
      },
    );
  }
  if (o.handoff) {
    await saveState(kube, pcs, undefined, (p) => resumedPcs(p) ?? p);
    await noteOutcome(
      kube,
      ns,
      s,
      `promoted ${rfc3339(Date.now())} (handed off to the operator)`,
      o,
    );
    return result(
      o.name,
      ns,
      "complete",
      "promoted: previous update strategy restored; the operator replaces the remaining pods",
    );
  }
  const next = advance(s, {
    phase: "Progressing",
    canaryUnits: undefined,
    batchSize: o.batchSize ?? s.batchSize,
    // promoting is the operator's decision: gates no longer apply
    gates: undefined,
    gatePending: undefined,
    message: s.gates ? "promoted (gates no longer apply)" : "promoted",
  }, new Date());
  await saveState(kube, pcs, next);
  return await drive(kube, ns, next, o);
}

/** Aborts: restores the previous template (recorded as a revision) and replaces the new pods. */
export async function abortProgressive(
  kube: Kube,
  o: ProgressiveCommonOptions & { reason?: string },
): Promise<ProgressiveResult> {
  const ns = o.namespace ?? kube.namespace;
  const pcs = await getPcs(kube, ns, o.name);
  const stored = requireState(pcs, "abort");
  const lease = leaseFor(kube, ns, stored, o);
  const s = await lease.claim(stored);
  try {
    return await rollBack(
      kube,
      ns,
      s,
      o.reason ?? `abort ${s.kind} rollout of ${s.image}`,
      o,
      "abort",
      lease,
    );
  } finally {
    await lease.release();
  }
}
