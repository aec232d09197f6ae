/**
 * Progressive rollouts driven by kubectl-grove over OnDelete: canary,
 * promote, abort, rack-by-rack and metrics-gated updates, and resume. Every
 * step re-reads the cluster and plans the next batch from the pods' template
 * hashes, so an interrupted run (Ctrl-C, a lost connection) leaves a
 * consistent state that a rerun or `rollout resume` continues.
 *
 * @module
 */

import { ExitCode, GroveError } from "../../lib/errors.ts";
import type { Pod } from "../../lib/grove/types.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { pausedPcs, resumedPcs } from "../../lib/revisions/pause.ts";
import { templateHash } from "../../lib/revisions/revision.ts";
import { listRevisions, markRolloutOutcome } from "../../lib/revisions/store.ts";
import { isPodReady, podRestarts } from "../../lib/grove/relations.ts";
import { assertNotDeleting, getPcs } from "../../lib/change/pcs.ts";
import { runChange } from "../../lib/change/run.ts";
import { applyImageChange, type UpdatePlan } from "../update/plan.ts";
import { evaluateGates, mergedP99 } from "./gates.ts";
import { throughputBasis } from "../metrics/report.ts";
import {
  BatchFailedError,
  domainKeyOf,
  loadObjects,
  placementScore,
  replaceBatch,
  saveState,
  type ScrapeOptions,
  scrapeWindows,
  stableFilter,
  updatedFilter,
} from "./io.ts";
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
import {
  advance,
  assertNotDriven,
  checkNoOther,
  type DriverLease,
  type GateResult,
  type GateSpec,
  initialState,
  type ProgressiveKind,
  type ProgressiveState,
  readState,
  requireState,
  withState,
} from "./state.ts";
import { rfc3339 } from "../../lib/grove/duration.ts";
import { sleep } from "../../lib/async.ts";

/** Options every progressive step shares. */
export interface ProgressiveCommonOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Poll interval while waiting, ms (default 2000). */
  intervalMs?: number;
  /** Max wait for one batch, ms (default 10 minutes). */
  batchTimeoutMs?: number;
  /** Ctrl-C: stop between polls, keep the state. */
  signal?: AbortSignal;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  /** Who (recorded on revisions and the state). */
  createdBy?: string;
  /** Revisions kept (default 10). */
  historyLimit?: number;
  /** Scrape settings (gates, comparison). */
  scrape?: ScrapeOptions;
  /** Units per batch (overrides the stored one on promote/resume). */
  batchSize?: number;
  /** Canary against stable: scrape window, ms (0: one scrape, lifetime values). */
  compareWindowMs?: number;
}

/** Options of {@link startProgressive}. */
export interface StartProgressiveOptions extends ProgressiveCommonOptions {
  /** canary, rack-by-rack or gated. */
  kind: ProgressiveKind;
  /** New image. */
  image: string;
  /** Only this role. */
  role?: string;
  /** Only this container. */
  container?: string;
  /** Canary size in units (pods, or scaling-group replicas). */
  canaryPods?: number;
  /** Topology level (rack-by-rack, default `rack`). */
  domainLevel?: string;
  /** Required placement score after each domain (default: its value before the domain). */
  minScore?: number;
  /** Gates (gated). */
  gates?: GateSpec;
  /** Roll back by itself when a gate fails (default true). */
  rollback?: boolean;
  /** Preview only. */
  dryRun?: boolean;
  /** Asked with the preview; false changes nothing. */
  confirm?: (plan: UpdatePlan, batches: Unit[][]) => Promise<boolean>;
  /** Change cause for the revision. */
  changeCause?: string;
}

/** Canary and stable side by side. */
export interface GroupFigures {
  /** Pods. */
  pods: number;
  /** Ready pods. */
  ready: number;
  /** Container restarts. */
  restarts: number;
  /** TTFT p99 ms (null when not measured). */
  ttftP99Ms: number | null;
  /** TPOT p99 ms. */
  tpotP99Ms: number | null;
  /**
   * Output tokens per second per serving GPU, on the basis `metrics` and `compare` use
   * (producing roles' tokens over the GPUs of ready engine pods); null when not measured.
   */
  tokensPerGpu?: number | null;
}

/** `kind: ProgressiveRolloutResult`. */
export interface ProgressiveResult {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "ProgressiveRolloutResult";
  /** PodCliqueSet. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** How this run ended. */
  outcome:
    | "canary"
    | "complete"
    | "rolled-back"
    | "stopped"
    | "interrupted"
    | "dry-run"
    | "declined";
  /** Last state (absent when finished). */
  state?: ProgressiveState;
  /** Batches replaced by this run. */
  batches: number;
  /** Last gate verdicts. */
  gates?: GateResult[];
  /** Canary vs stable (canary). */
  comparison?: { canary: GroupFigures; stable: GroupFigures; notes: string[] };
  /** What happened. */
  message: string;
  /** Revision written by this run, when any. */
  revision?: number;
  /**
   * Why it rolled back (outcome `rolled-back`): `abort` when asked (abort, or
   * resuming an interrupted rollback), `gate` or `failing-pods` when the
   * rollout rolled itself back (the CLI then exits 3).
   */
  rolledBackBy?: "abort" | "gate" | "failing-pods";
  /** The preview (start). */
  plan?: UpdatePlan;
  /** Planned batches (start), unit ids. */
  plannedBatches?: string[][];
}

function rfcNow(): Date {
  return new Date();
}

/** This process, as a driver of progressive rollouts. */
const DRIVER_ID = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
/** How often a driver renews its lease while it waits. */
const RENEW_MS = 10_000;

/**
 * The claim of this process on one rollout, kept in the state annotation:
 * renewed while it waits, released when it stops (Ctrl-C included). A
 * second command refuses to drive while the claim is live; a killed
 * driver's claim expires after its ttl.
 */
class Lease {
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

function leaseFor(kube: Kube, ns: string, s: ProgressiveState, o: ProgressiveCommonOptions) {
  // the longest wait without a poll is the gate window's scrape
  const ttl = 30_000 + (s.gates?.windowMs ?? 0) + 3 * (o.intervalMs ?? 2000);
  return new Lease(kube, ns, o.name, ttl, o.createdBy);
}

function result(
  name: string,
  ns: string,
  outcome: ProgressiveResult["outcome"],
  message: string,
  extra: Partial<ProgressiveResult> = {},
): ProgressiveResult {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "ProgressiveRolloutResult",
    name,
    namespace: ns,
    outcome,
    batches: 0,
    message,
    ...extra,
  };
}

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
  const now = rfcNow();
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
  }, rfcNow());
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

async function rollBack(
  kube: Kube,
  ns: string,
  s: ProgressiveState,
  cause: string,
  o: ProgressiveCommonOptions,
  by: NonNullable<ProgressiveResult["rolledBackBy"]>,
  lease: Lease,
): Promise<ProgressiveResult> {
  const name = o.name;
  let pcs = await getPcs(kube, ns, name);
  let revision: number | undefined;
  const state = advance(
    s,
    { phase: "RollingBack", message: cause, driver: lease.stamp() },
    rfcNow(),
  );
  if (templateHash(pcs.spec.template) !== s.fromHash) {
    const { revisions } = await listRevisions(kube, ns, name);
    const rev = [...revisions].reverse().find((r) => r.hash === s.fromHash && r.template);
    if (!rev?.template) {
      throw new GroveError(
        `cannot roll back podcliqueset "${name}": no recorded revision holds the template from before the ${s.kind} rollout`,
        {
          hint:
            `see kubectl grove rollout history ${name}; restore one with kubectl grove rollout undo ${name} --to-revision N`,
        },
      );
    }
    const next = structuredClone(pcs);
    next.spec.template = structuredClone(rev.template);
    const res = await runChange(kube, {
      before: pcs,
      next: withState(next, state),
      changeCause: `${cause} (back to revision ${rev.revision})`,
      createdBy: o.createdBy ?? kube.contextName,
      historyLimit: o.historyLimit,
    });
    revision = res.revision;
    o.progress?.(
      `podcliqueset/${name}: template of revision ${rev.revision} restored; replacing the new pods`,
    );
  } else if (s.phase !== "RollingBack") {
    pcs = await saveState(kube, pcs, state);
  }
  let batches = 0;
  for (;;) {
    if (o.signal?.aborted) {
      return result(name, ns, "interrupted", "interrupted while rolling back; the state is kept", {
        state,
        batches,
        revision,
        rolledBackBy: by,
      });
    }
    const objs = await loadObjects(kube, ns, name, true);
    const units = pendingUnits({
      pcs: name,
      cliques: objs.podCliques,
      groups: objs.scalingGroups,
      pods: objs.pods,
      nodes: objs.nodes,
      changed: s.cliques,
      stableHashes: s.stableHashes,
      direction: "back",
    });
    if (!units.length) break;
    const constraints = constraintsOf(objs.podCliques, objs.scalingGroups);
    const batch =
      planBatches(units, constraints, o.batchSize ?? Math.max(s.batchSize, units.length))[0];
    o.progress?.(`rolling back: replacing ${batch.map((u) => u.id).join(", ")}`);
    const done = await replaceBatch(kube, ns, name, batch, constraints, waitOpts(o, lease));
    if (!done) continue;
    batches++;
  }
  pcs = await getPcs(kube, ns, name);
  await saveState(kube, pcs, undefined, (p) => resumedPcs(p) ?? p);
  await noteOutcome(kube, ns, s, `aborted ${rfc3339(Date.now())}: ${cause}`, o);
  return result(name, ns, "rolled-back", cause, {
    batches,
    revision,
    gates: s.lastGates,
    rolledBackBy: by,
  });
}

/**
 * Marks the rollout's target revision with how it ended, so `rollout history`
 * shows promoted and aborted templates. The rollout itself is already done:
 * a failure here is reported, not thrown.
 */
async function noteOutcome(
  kube: Kube,
  ns: string,
  s: ProgressiveState,
  outcome: string,
  o: ProgressiveCommonOptions,
): Promise<void> {
  try {
    const rev = await markRolloutOutcome(kube, ns, o.name, s.toHash, outcome);
    if (rev !== undefined) o.progress?.(`revision ${rev}: ${outcome}`);
  } catch (e) {
    o.progress?.(
      `note: could not mark the revision of the new template (${
        e instanceof Error ? e.message : String(e)
      }); the rollout itself is done`,
    );
  }
}

function waitOpts(o: ProgressiveCommonOptions, lease?: Lease) {
  return {
    intervalMs: o.intervalMs ?? 2000,
    timeoutMs: o.batchTimeoutMs ?? 600_000,
    onPoll: lease?.renew,
    signal: o.signal,
  };
}

/** Canary against stable: readiness, restarts and (when scrapable) TTFT/TPOT p99. */
export async function compareGroups(
  kube: Kube,
  ns: string,
  s: ProgressiveState,
  name: string,
  windowMs: number,
  scrape?: ScrapeOptions,
): Promise<NonNullable<ProgressiveResult["comparison"]>> {
  const objs = await loadObjects(kube, ns, name, false);
  const notes: string[] = [];
  const group = async (filter: (p: Pod) => boolean, label: string): Promise<GroupFigures> => {
    const pods = objs.pods.filter((p) => !p.metadata.deletionTimestamp && filter(p));
    let ttft: number | null = null;
    let tpot: number | null = null;
    let perGpu: number | null = null;
    try {
      const w = await scrapeWindows(kube, ns, name, filter, windowMs, scrape ?? {});
      ttft = mergedP99(w.windows, "ttft").p99Ms;
      tpot = mergedP99(w.windows, "itl").p99Ms;
      perGpu = throughputBasis(w.chosen.map((t) => ({ target: t, stats: w.windows[t.pod] })))
        .value;
      if (w.failed.length) {
        notes.push(`${label}: ${w.failed.length} scrape(s) failed (${w.failed[0]})`);
      }
    } catch (e) {
      notes.push(`${label}: metrics unavailable: ${(e as Error).message}`);
    }
    const round = (x: number | null) => x === null ? null : Math.round(x * 10) / 10;
    return {
      pods: pods.length,
      ready: pods.filter(isPodReady).length,
      restarts: pods.reduce((n, p) => n + podRestarts(p), 0),
      ttftP99Ms: round(ttft),
      tpotP99Ms: round(tpot),
      tokensPerGpu: round(perGpu),
    };
  };
  const [canary, stable] = await Promise.all([
    group(updatedFilter(s), "canary"),
    group(stableFilter(s), "stable"),
  ]);
  return { canary, stable, notes };
}

/** The driver: claims the rollout (one driver at a time), drives it, gives it up. */
async function drive(
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
    return await driveClaimed(kube, ns, s, o, lease);
  } finally {
    await lease.release();
  }
}

/** One batch per iteration, planned from the live pods. */
async function driveClaimed(
  kube: Kube,
  ns: string,
  initial: ProgressiveState,
  o: ProgressiveCommonOptions,
  lease: Lease,
): Promise<ProgressiveResult> {
  const name = o.name;
  let s = initial;
  let batches = 0;
  const save = async (change: Partial<ProgressiveState>) => {
    const pcs = await getPcs(kube, ns, name);
    s = advance(s, { ...change, driver: lease.stamp() }, rfcNow());
    await saveState(kube, pcs, s);
  };
  const checkDomain = async (): Promise<ProgressiveResult | undefined> => {
    if (!s.currentDomain) return undefined;
    const score = await placementScore(kube, ns, name);
    const required = s.minScore ?? s.domainScoreBefore;
    const done = [...(s.domainsDone ?? []), s.currentDomain];
    if (required !== undefined && score !== undefined && score < required - 1e-9) {
      await save({
        phase: "Stopped",
        domainsDone: done,
        message: `placement score ${
          score.toFixed(2)
        } after ${s.domainLevel} ${s.currentDomain} is below ${required.toFixed(2)}`,
      });
      return result(name, ns, "stopped", s.message, { state: s, batches });
    }
    o.progress?.(
      `${s.domainLevel} ${s.currentDomain} done${
        score !== undefined ? ` (placement score ${score.toFixed(2)})` : ""
      }`,
    );
    await save({
      domainsDone: done,
      currentDomain: undefined,
      domainScoreBefore: undefined,
      message: `${s.domainLevel} ${s.currentDomain} done`,
    });
    return undefined;
  };
  /** Waits until every changed clique is fully ready (after a batch, or on resume); false when interrupted. */
  const settled = async (): Promise<boolean> => {
    const start = Date.now();
    const w = waitOpts(o);
    for (;;) {
      const objs = await loadObjects(kube, ns, name, false);
      const ok = objs.podCliques.every((q) => {
        if (!s.cliques.some((c) => q.metadata.name.endsWith(`-${c}`))) return true;
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
      await lease.renew();
      await sleep(w.intervalMs, o.signal);
    }
  };
  /** Gates over the updated pods after a batch; a result ends the run (rolled back or stopped). */
  const gate = async (): Promise<ProgressiveResult | undefined> => {
    if (!s.gates) return undefined;
    if (!(await settled())) return undefined;
    o.progress?.(`batch ${s.batch}: checking gates over ${s.gates.windowMs / 1000}s`);
    const w = await scrapeWindows(kube, ns, name, updatedFilter(s), s.gates.windowMs, {
      ...o.scrape,
      signal: o.signal,
    });
    if (o.signal?.aborted) return undefined; // gatePending stays: a resume checks again
    const gates = evaluateGates(s.gates, w.windows);
    const failed = gates.filter((g) => !g.pass);
    await save({
      lastGates: gates,
      gatePending: undefined,
      message: failed.length
        ? `gate failed after batch ${s.batch}: ${failed.map((g) => g.gate).join(", ")}`
        : `gates passed after batch ${s.batch}`,
    });
    if (!failed.length) return undefined;
    if (s.rollback !== false) {
      const r = await rollBack(kube, ns, s, s.message, o, "gate", lease);
      return { ...r, batches: batches + r.batches, gates };
    }
    await save({ phase: "Stopped" });
    return result(name, ns, "stopped", s.message, { state: s, batches, gates });
  };
  for (;;) {
    if (o.signal?.aborted) {
      return result(
        name,
        ns,
        "interrupted",
        `interrupted after batch ${s.batch}; the state is kept: continue with kubectl grove rollout resume ${name}`,
        { state: s, batches },
      );
    }
    if (s.gatePending) {
      // interrupted between a batch and its gate check: check before going on
      const stop = await gate();
      if (stop) return stop;
      if (s.gatePending) continue;
    }
    const objs = await loadObjects(kube, ns, name, s.domainKey !== undefined);
    let units = pendingUnits({
      pcs: name,
      cliques: objs.podCliques,
      groups: objs.scalingGroups,
      pods: objs.pods,
      nodes: objs.nodes,
      changed: s.cliques,
      stableHashes: s.stableHashes,
      direction: "forward",
      domainKey: s.domainKey,
    });
    const constraints = constraintsOf(objs.podCliques, objs.scalingGroups);
    const canaryMode = s.kind === "canary" && s.canaryUnits !== undefined;
    if (canaryMode) {
      const newUnits = pendingUnits({
        pcs: name,
        cliques: objs.podCliques,
        groups: objs.scalingGroups,
        pods: objs.pods,
        nodes: objs.nodes,
        changed: s.cliques,
        stableHashes: s.stableHashes,
        direction: "back",
      }).filter((u) => !s.canaryRole || u.roleNames.includes(s.canaryRole));
      const left = s.canaryUnits! - newUnits.length;
      if (left <= 0 || !units.length) {
        await save({
          phase: "Canary",
          message: `${newUnits.length} unit(s) on ${s.image}; promote or abort`,
        });
        const comparison = await compareGroups(kube, ns, s, name, o.compareWindowMs ?? 0, o.scrape);
        return result(name, ns, "canary", s.message, { state: s, batches, comparison });
      }
      units = chooseCanary(
        name,
        units,
        Math.min(
          left,
          units.filter((u) => !s.canaryRole || u.roleNames.includes(s.canaryRole)).length || left,
        ),
        s.canaryRole,
      );
    }
    if (s.domainKey) {
      const next = domainOrder(units)[0];
      if (s.currentDomain !== undefined && s.currentDomain !== next) {
        const stop = await checkDomain();
        if (stop) return stop;
      }
      if (next !== undefined && s.currentDomain !== next) {
        await save({
          currentDomain: next,
          domainScoreBefore: await placementScore(kube, ns, name),
          message: `updating ${s.domainLevel} ${next}`,
        });
        o.progress?.(`${s.domainLevel} ${next}: updating`);
      }
      units = units.filter((u) => u.domain === next);
    }
    if (!units.length) break;
    assertReplaceable(name, units, constraints);
    const batch = planBatches(units, constraints, s.batchSize)[0];
    o.progress?.(`batch ${s.batch + 1}: replacing ${batch.map((u) => u.id).join(", ")}`);
    // gatePending is set before the pods go: an interruption anywhere after this still gets the check
    await save({
      gatePending: s.gates ? true : undefined,
      message: `replacing batch ${s.batch + 1} (${batch.map((u) => u.id).join(", ")})`,
    });
    let done: boolean;
    try {
      done = await replaceBatch(kube, ns, name, batch, constraints, waitOpts(o, lease));
    } catch (e) {
      if (e instanceof BatchFailedError && s.gates && s.rollback !== false) {
        o.progress?.(`${e.message}; rolling back`);
        const r = await rollBack(
          kube,
          ns,
          s,
          `new pods failing: ${e.message}`,
          o,
          "failing-pods",
          lease,
        );
        return { ...r, batches: batches + r.batches };
      }
      if (e instanceof BatchFailedError) await save({ phase: "Stopped", message: e.message });
      throw e;
    }
    if (!done) continue; // interrupted: reported at the top of the loop
    batches++;
    await save({
      batch: s.batch + 1,
      message: `batch ${s.batch + 1} ready (${batch.map((u) => u.id).join(", ")})`,
    });
  }
  if (s.domainKey && s.currentDomain) {
    const stop = await checkDomain();
    if (stop) return stop;
  }
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
    {
      batches,
      gates: s.lastGates,
    },
  );
}
