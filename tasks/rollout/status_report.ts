/**
 * The pure part of `rollout status`: revision from -> to, strategy, per-role
 * progress (updated/total from PodClique update progress and pod-template-hash
 * counts), placement score before and now, recent events, a time-left
 * estimate from the observed pace, and the phase that decides the exit code.
 *
 * @module
 */

import { strategyInfo } from "../../lib/grove/strategy.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { cliqueRole, isPodReady } from "../../lib/grove/relations.ts";
import type { Event, Pod, PodClique, PodCliqueSet } from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { PcsAnnotations } from "../../lib/revisions/keys.ts";
import { isPaused, strategyOf } from "../../lib/revisions/pause.ts";
import { type RevisionInfo, templateHash } from "../../lib/revisions/revision.ts";
import { meanPlacementScore } from "../../lib/change/pcs.ts";

/** Where a rollout stands. */
export type RolloutPhase =
  | "Complete"
  | "Progressing"
  | "Paused"
  | "WaitingForDeletes"
  | "Failed"
  | "Stalled";

/** Progress of one role. */
export interface RoleProgress {
  /** Role name. */
  role: string;
  /** PodCliques of the role. */
  cliques: number;
  /** Desired pods. */
  desired: number;
  /** Pods on the new template. */
  updated: number;
  /** Of those, Ready. */
  updatedReady: number;
  /** Ready pods of any template. */
  ready: number;
  /** Pods still on an old template. */
  old: number;
  /** updatedReady / desired. */
  fraction: number;
  /** New pods that are failing, as `pod: reason`. */
  failing: string[];
}

/** A recent event. */
export interface RolloutEvent {
  /** Last seen (RFC 3339). */
  time?: string;
  /** Normal or Warning. */
  type?: string;
  /** Reason. */
  reason?: string;
  /** `Kind/name`. */
  object: string;
  /** Message. */
  message?: string;
}

/** `kind: RolloutStatus`. */
export interface RolloutStatusReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "RolloutStatus";
  /** PodCliqueSet. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Where it stands. */
  phase: RolloutPhase;
  /** One line for humans. */
  message: string;
  /** Update strategy in effect (as written; see {@link strategyKnown}). */
  strategy: string;
  /** False for a strategy kubectl-grove does not know. */
  strategyKnown: boolean;
  /** Coherent: PodGangs of the current sub-step (GREP-393 `inFlightPodGangs`). */
  inFlightPodGangs?: string[];
  /** Paused by kubectl-grove. */
  paused: boolean;
  /** When it was paused. */
  pausedAt?: string;
  /** Revision numbers: from (previous) -> to (live); null when unknown or unrecorded. */
  revision: { from: number | null; to: number | null };
  /** metadata.generation and status.observedGeneration. */
  generation?: number;
  /** Generation the operator has seen. */
  observedGeneration?: number;
  /** From status.updateProgress. */
  updateStartedAt?: string;
  /** From status.updateProgress. */
  updateEndedAt?: string;
  /** Per role, in template order. */
  roles: RoleProgress[];
  /** Sums over roles. */
  totals: { desired: number; updated: number; updatedReady: number; old: number };
  /** Mean PodGang placement score when the change was made and now. */
  placementScore: { before?: number; now?: number };
  /** Newest first, at most 5. */
  events: RolloutEvent[];
  /** Time left estimate. */
  estimate: { remainingMs?: number; podsPerMinute?: number };
  /** State of a progressive rollout (canary, rack-by-rack), when one runs. */
  progressive?: unknown;
  /** TTFT and TPOT p99 per role, when metrics were scraped (`--metrics`). */
  latency?: RoleLatency[];
}

/** Latency of one role from the engines' metrics. */
export interface RoleLatency {
  /** Role. */
  role: string;
  /** Time to first token, p99, ms. */
  ttftP99Ms: number | null;
  /** Time per output token (inter-token latency), p99, ms. */
  tpotP99Ms: number | null;
}

/** Adds per-role TTFT/TPOT p99 from a metrics report's roles (pure). */
export function withLatency(
  r: RolloutStatusReport,
  roles: {
    role: string;
    latencyMs: { ttft?: { p99: number | null }; itl?: { p99: number | null } };
  }[],
): RolloutStatusReport {
  return {
    ...r,
    latency: roles.map((x) => ({
      role: x.role,
      ttftP99Ms: x.latencyMs.ttft?.p99 ?? null,
      tpotP99Ms: x.latencyMs.itl?.p99 ?? null,
    })),
  };
}

/** Inputs of {@link buildRolloutStatus}. */
export interface RolloutStatusInput {
  pcs: PodCliqueSet;
  cliques: PodClique[];
  pods: Pod[];
  gangs: KubeObject[];
  events: Event[];
  revisions: RevisionInfo[];
  now: Date;
  /** When progress was last seen (by a waiting caller); with `progressDeadlineMs` makes Stalled. */
  lastProgressAt?: Date;
  /** No progress for this long is Stalled (default 10 minutes). */
  progressDeadlineMs?: number;
}

const FAILING = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "CrashLoopBackOff",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

function failingReason(p: Pod): string | undefined {
  for (const c of p.status?.containerStatuses ?? []) {
    const r = c.state?.waiting?.reason;
    if (r && FAILING.has(r)) return r;
  }
  return undefined;
}

/** The pod-template-hash a clique's pods should carry, or undefined when its update has not started. */
export function cliqueTargetHash(q: PodClique, pcs: PodCliqueSet): string | undefined {
  const st = q.status;
  const up = st?.updateProgress;
  if (up?.podTemplateHash && !up.updateEndedAt) return up.podTemplateHash;
  const gen = pcs.status?.currentGenerationHash;
  if (
    gen && st?.currentPodCliqueSetGenerationHash && st.currentPodCliqueSetGenerationHash !== gen
  ) {
    return undefined; // the operator has not reached this clique yet
  }
  return up?.podTemplateHash ?? st?.currentPodTemplateHash ??
    q.metadata.labels?.[LabelKeys.podTemplateHash];
}

/**
 * Builds the rollout status (pure).
 *
 * @example
 * ```ts
 * import { buildRolloutStatus } from "./status_report.ts";
 * const pcs = { metadata: { name: "d", namespace: "ns", generation: 1 },
 *   spec: { template: { cliques: [] } }, status: { observedGeneration: 1, updatedReplicas: 0, availableReplicas: 0 } };
 * buildRolloutStatus({ pcs, cliques: [], pods: [], gangs: [], events: [], revisions: [], now: new Date() }).phase;
 * // "Complete"
 * ```
 */
export function buildRolloutStatus(i: RolloutStatusInput): RolloutStatusReport {
  const { pcs, now } = i;
  const name = pcs.metadata.name;
  const roles = new Map<string, RoleProgress>();
  const order = (pcs.spec?.template?.cliques ?? []).map((c) => c.spec?.roleName || c.name);
  for (const r of order) {
    roles.set(r, {
      role: r,
      cliques: 0,
      desired: 0,
      updated: 0,
      updatedReady: 0,
      ready: 0,
      old: 0,
      fraction: 0,
      failing: [],
    });
  }
  // Pods replaced since the update started: the pace counts only these, not
  // pods of roles the change left alone (already on their target hash).
  const up0 = pcs.status?.updateProgress?.updateStartedAt;
  const startSec = up0 ? Math.floor(Date.parse(up0) / 1000) * 1000 : NaN;
  let replacedReady = 0;
  const podsByClique = new Map<string, Pod[]>();
  for (const p of i.pods) {
    if (p.metadata.deletionTimestamp) continue;
    const q = p.metadata.labels?.[LabelKeys.podClique];
    if (q) podsByClique.set(q, [...(podsByClique.get(q) ?? []), p]);
  }
  for (const q of i.cliques) {
    if (q.metadata.deletionTimestamp) continue;
    const role = cliqueRole(q);
    let rp = roles.get(role);
    if (!rp) {
      rp = {
        role,
        cliques: 0,
        desired: 0,
        updated: 0,
        updatedReady: 0,
        ready: 0,
        old: 0,
        fraction: 0,
        failing: [],
      };
      roles.set(role, rp);
    }
    const target = cliqueTargetHash(q, pcs);
    const pods = podsByClique.get(q.metadata.name) ?? [];
    rp.cliques++;
    rp.desired += Math.max(Number(q.spec?.replicas ?? 0), 0);
    for (const p of pods) {
      const isNew = target !== undefined &&
        p.metadata.labels?.[LabelKeys.podTemplateHash] === target;
      const ready = isPodReady(p);
      if (ready) rp.ready++;
      if (isNew) {
        rp.updated++;
        if (ready) {
          rp.updatedReady++;
          const born = Date.parse(p.metadata.creationTimestamp ?? "");
          if (Number.isFinite(startSec) && born >= startSec) replacedReady++;
        }
        const f = failingReason(p);
        if (f) rp.failing.push(`${p.metadata.name}: ${f}`);
      } else rp.old++;
    }
  }
  const list = [...roles.values()].filter((r) => r.cliques > 0);
  for (const r of list) r.fraction = r.desired ? Math.min(1, r.updatedReady / r.desired) : 1;
  const totals = {
    desired: list.reduce((n, r) => n + r.desired, 0),
    updated: list.reduce((n, r) => n + r.updated, 0),
    updatedReady: list.reduce((n, r) => n + r.updatedReady, 0),
    old: list.reduce((n, r) => n + r.old, 0),
  };

  // revisions
  const live = templateHash(pcs.spec?.template);
  const sorted = [...i.revisions].sort((a, b) => a.revision - b.revision);
  const to = sorted.find((r) => r.hash === live);
  const from = to
    ? [...sorted].reverse().find((r) => r.revision < to.revision && r.hash !== live)
    : sorted.at(-1);

  let progressive: unknown;
  const raw = pcs.metadata.annotations?.[PcsAnnotations.rolloutState];
  if (raw) {
    try {
      progressive = JSON.parse(raw);
    } catch {
      progressive = raw;
    }
  }

  const strategy = strategyOf(pcs);
  const sInfo = strategyInfo(pcs);
  const paused = isPaused(pcs);
  const up = pcs.status?.updateProgress;
  const gen = pcs.metadata.generation;
  const observed = pcs.status?.observedGeneration;
  const failing = list.flatMap((r) => r.failing);
  const done = totals.old === 0 && totals.updatedReady >= totals.desired &&
    totals.updated >= totals.desired;
  // An update is in flight while pods run an old template or Grove reports one started and not
  // ended. Without one, failing pods are a health problem, not a failed rollout (and undo has
  // nothing to go back to).
  const inFlight = totals.old > 0 || (!!up?.updateStartedAt && !up?.updateEndedAt);
  let phase: RolloutPhase;
  let message: string;
  if (gen !== undefined && observed !== undefined && observed < gen) {
    phase = "Progressing";
    message = `waiting for the operator to observe generation ${gen} (seen ${observed})`;
  } else if (failing.length && !inFlight && !paused) {
    phase = "Complete";
    message = `no update in progress (every pod runs the live template); ${failing.length} pod${
      failing.length === 1 ? " is" : "s are"
    } failing: see kubectl grove health ${name}${nsFlag(pcs)}`;
  } else if (failing.length) {
    phase = "Failed";
    message = `new pods are failing: ${failing.slice(0, 3).join(", ")}${
      failing.length > 3 ? ", ..." : ""
    }`;
  } else if (done) {
    phase = "Complete";
    message =
      `rollout complete: ${totals.updatedReady} of ${totals.desired} pods updated and ready`;
  } else if (paused) {
    phase = "Paused";
    message = `paused: ${totals.updatedReady} of ${totals.desired} pods updated; ${
      progressiveNextStep(progressive, `${name}${nsFlag(pcs)}`)
    }`;
  } else if (!sInfo.known) {
    phase = "Progressing";
    message =
      `update strategy "${strategy}" is unknown to kubectl-grove: ${totals.updatedReady} of ${totals.desired} pods updated and ready (the operator's progress is not interpreted)`;
  } else if (strategy === "OnDelete") {
    phase = "WaitingForDeletes";
    message = `OnDelete: ${totals.old} pods on an old template are replaced only when deleted`;
  } else if (
    i.lastProgressAt &&
    now.getTime() - i.lastProgressAt.getTime() > (i.progressDeadlineMs ?? 600_000)
  ) {
    phase = "Stalled";
    message =
      `no progress since ${i.lastProgressAt.toISOString()}: ${totals.updatedReady} of ${totals.desired} pods updated`;
  } else {
    phase = "Progressing";
    message = `${totals.updatedReady} of ${totals.desired} pods updated and ready`;
  }

  // pace
  let estimate: RolloutStatusReport["estimate"] = {};
  const startedAt = up?.updateStartedAt ? Date.parse(up.updateStartedAt) : NaN;
  if (phase === "Progressing" && Number.isFinite(startedAt) && replacedReady > 0) {
    const elapsed = Math.max(1, now.getTime() - startedAt);
    const perMs = replacedReady / elapsed;
    estimate = {
      podsPerMinute: Math.round(perMs * 60_000 * 100) / 100,
      remainingMs: Math.round((totals.desired - totals.updatedReady) / perMs),
    };
  }

  // The set itself and its children: `<pcs>-<replica>...` (not another set named `<pcs>-x`).
  const ours = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-\\d+(-|$)|$)`);
  const events = i.events
    .filter((e) => ours.test(e.involvedObject?.name ?? ""))
    .map((e) => ({
      time: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ??
        undefined,
      type: e.type,
      reason: e.reason,
      object: `${e.involvedObject?.kind ?? "?"}/${e.involvedObject?.name ?? "?"}`,
      message: e.message,
    }))
    .sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""))
    .slice(0, 5);

  const report: RolloutStatusReport = {
    apiVersion: REPORT_API_VERSION,
    kind: "RolloutStatus",
    name,
    namespace: pcs.metadata.namespace ?? "",
    phase,
    message,
    strategy,
    strategyKnown: sInfo.known,
    ...(() => {
      const g = (up?.currentlyUpdating ?? []).flatMap((c) => c?.inFlightPodGangs ?? []);
      return g.length ? { inFlightPodGangs: g } : {};
    })(),
    paused,
    revision: { from: from?.revision ?? null, to: to?.revision ?? null },
    generation: gen,
    observedGeneration: observed,
    updateStartedAt: up?.updateStartedAt,
    updateEndedAt: up?.updateEndedAt,
    roles: list,
    totals,
    placementScore: { before: to?.placementScore, now: meanPlacementScore(i.gangs) },
    events,
    estimate,
  };
  if (paused) report.pausedAt = pcs.metadata.annotations?.[PcsAnnotations.pausedAt];
  if (progressive !== undefined) report.progressive = progressive;
  return report;
}

function nsFlag(pcs: { metadata: { namespace?: string } }): string {
  const ns = pcs.metadata.namespace;
  return ns && ns !== "default" ? ` -n ${ns}` : "";
}

/** Exit code of a status: 0 complete (or still going when not waiting), 3 failed or stalled. */
export function statusExitCode(r: RolloutStatusReport): number {
  return r.phase === "Failed" || r.phase === "Stalled" ? 3 : 0;
}

/**
 * What to run next on a paused set: a plain pause is resumed; a progressive
 * rollout (kubectl-grove drives it over OnDelete) says its own next step.
 */
export function progressiveNextStep(progressive: unknown, name: string): string {
  const p = progressive && typeof progressive === "object"
    ? progressive as { kind?: unknown; phase?: unknown }
    : undefined;
  if (!p) return `resume with: kubectl grove rollout resume ${name}`;
  const kind = typeof p.kind === "string" ? p.kind : "progressive";
  switch (p.phase) {
    case "Canary":
      return `${kind} rollout waiting for a decision: kubectl grove rollout promote ${name}, or kubectl grove rollout abort ${name}`;
    case "Stopped":
      return `${kind} rollout stopped: finish with kubectl grove rollout promote ${name}, or roll back with kubectl grove rollout abort ${name}`;
    case "RollingBack":
      return `${kind} rollout rolling back: let it finish with kubectl grove rollout resume ${name}`;
    default:
      return `${kind} rollout in progress (driven by kubectl-grove): if its command stopped, continue with kubectl grove rollout resume ${name}`;
  }
}
