/**
 * The state of a progressive rollout (canary, rack-by-rack, metrics-gated),
 * kept as JSON in the PodCliqueSet annotation `kubectl-grove.io/rollout-state`
 * so that `rollout status` from any terminal shows it and an interrupted run
 * can be continued. Pure: parsing, validation and transitions.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { PcsAnnotations } from "../../lib/revisions/keys.ts";
import { rfc3339 } from "../../lib/grove/duration.ts";

/** Which command started the rollout. */
export type ProgressiveKind = "canary" | "rack-by-rack" | "gated";

/**
 * Phase: `Progressing` (a driver is replacing pods, or was interrupted while
 * doing so), `Canary` (canary pods up, waiting for promote or abort),
 * `RollingBack` (abort or failed gate: restoring the previous template),
 * `Stopped` (a gate or the placement check failed with no rollback).
 */
export type ProgressivePhase = "Progressing" | "Canary" | "RollingBack" | "Stopped";

/** Thresholds of a metrics-gated rollout. */
export interface GateSpec {
  /** TTFT p99 limit, ms. */
  ttftP99Ms?: number;
  /** TPOT (inter-token latency) p99 limit, ms. */
  tpotP99Ms?: number;
  /** Scrape window after each batch, ms. */
  windowMs: number;
}

/** One gate's verdict. */
export interface GateResult {
  /** `ttft-p99` or `tpot-p99`. */
  gate: "ttft-p99" | "tpot-p99";
  /** Threshold, ms. */
  thresholdMs: number;
  /** Measured over the updated pods, ms (null: nothing measured). */
  measuredMs: number | null;
  /** Observations in the window. */
  count: number;
  /** Passed. */
  pass: boolean;
}

/** The JSON kept in the annotation. */
export interface ProgressiveState {
  /** Format version (1). */
  version: 1;
  /** What started it. */
  kind: ProgressiveKind;
  /** Where it stands. */
  phase: ProgressivePhase;
  /** New image. */
  image: string;
  /** Role filter of the image change, if any. */
  role?: string;
  /** Clique template names whose pod template changed. */
  cliques: string[];
  /** Template hash before (lib/revisions `templateHash`). */
  fromHash: string;
  /** Template hash after. */
  toHash: string;
  /** Revision number before, when recorded. */
  fromRevision?: number;
  /** Revision number after, when recorded. */
  toRevision?: number;
  /** Per PodClique (full name): pod-template-hashes of the stable pods. */
  stableHashes: Record<string, string[]>;
  /** Units (pods, or scaling-group replicas) per batch. */
  batchSize: number;
  /** Batches completed so far. */
  batch: number;
  /** Canary size (units), for `canary`. */
  canaryUnits?: number;
  /** Role the canary pods were taken from. */
  canaryRole?: string;
  /** Topology level (rack-by-rack). */
  domainLevel?: string;
  /** Node label key of that level. */
  domainKey?: string;
  /** Domain being updated (rack-by-rack). */
  currentDomain?: string;
  /** Mean placement score before the current domain. */
  domainScoreBefore?: number;
  /** Domains done (rack-by-rack). */
  domainsDone?: string[];
  /** Required placement score (rack-by-rack `--min-score`). */
  minScore?: number;
  /** Gates (gated). */
  gates?: GateSpec;
  /** Roll back by itself when a gate fails (gated; default true). */
  rollback?: boolean;
  /** The last gate verdicts. */
  lastGates?: GateResult[];
  /** A batch is done but its gates are not checked yet (checked first on resume). */
  gatePending?: boolean;
  /** Human-readable summary of the last transition. */
  message: string;
  /** When it started (RFC 3339). */
  startedAt: string;
  /** Last change (RFC 3339). */
  updatedAt: string;
  /** Who started it. */
  by?: string;
  /**
   * The process driving it now: a lease it renews while it runs (absent or
   * expired: nobody). A second command refuses to drive while it is live.
   */
  driver?: DriverLease;
}

/** Who drives a progressive rollout now, and until when the claim holds. */
export interface DriverLease {
  /** The driving process (unique per run). */
  id: string;
  /** Who runs it (kubeconfig user, as on revisions). */
  by?: string;
  /** Last renewal (RFC 3339). */
  at: string;
  /** The claim holds this long after `at`, ms. */
  ttlMs: number;
}

/** The live driver of a state at `nowMs` (undefined: none, or its lease expired); pure. */
export function liveDriver(s: ProgressiveState, nowMs: number): DriverLease | undefined {
  const d = s.driver;
  if (!d || typeof d !== "object") return undefined;
  const at = Date.parse(d.at);
  if (!Number.isFinite(at) || !(d.ttlMs > 0)) return undefined;
  return nowMs - at < d.ttlMs ? d : undefined;
}

/**
 * Refuses when another process drives the rollout (its lease is live):
 * two drivers would each take a pod down and together breach minAvailable.
 */
export function assertNotDriven(
  name: string,
  s: ProgressiveState,
  selfId: string,
  nowMs: number,
): void {
  const d = liveDriver(s, nowMs);
  if (!d || d.id === selfId) return;
  const ago = Math.max(0, Math.round((nowMs - Date.parse(d.at)) / 1000));
  const left = Math.max(1, Math.ceil((Date.parse(d.at) + d.ttlMs - nowMs) / 1000));
  throw new GroveError(
    `podcliqueset "${name}": its ${s.kind} rollout to ${s.image} is being driven by another kubectl-grove (${
      d.by ? `${d.by}, ` : ""
    }last seen ${ago}s ago, ${s.message}); two drivers could take the same clique below minAvailable`,
    {
      hint:
        `watch it with: kubectl grove rollout status ${name}; stop that command with Ctrl-C first; if it is gone (killed), retry in ${left}s`,
    },
  );
}

/**
 * Reads the state of a PodCliqueSet (undefined when no progressive rollout
 * is recorded). A damaged annotation is an error naming it.
 *
 * @example
 * ```ts
 * import { readState } from "./state.ts";
 * readState({ metadata: { name: "x" }, spec: { template: { cliques: [] } } }); // undefined
 * ```
 */
export function readState(pcs: PodCliqueSet): ProgressiveState | undefined {
  const raw = pcs.metadata.annotations?.[PcsAnnotations.rolloutState];
  if (raw === undefined || raw === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  const s = v as ProgressiveState | undefined;
  if (
    !s || typeof s !== "object" || s.version !== 1 || typeof s.kind !== "string" ||
    typeof s.phase !== "string" || typeof s.toHash !== "string" || !s.stableHashes
  ) {
    throw new GroveError(
      `podcliqueset "${pcs.metadata.name}": annotation ${PcsAnnotations.rolloutState} is not a kubectl-grove rollout state`,
      {
        hint:
          `inspect it with kubectl get pcs ${pcs.metadata.name} -o yaml; remove it with kubectl annotate pcs ${pcs.metadata.name} ${PcsAnnotations.rolloutState}-`,
      },
    );
  }
  return s;
}

/** The PodCliqueSet with the state written (or removed with `undefined`); pure. */
export function withState(pcs: PodCliqueSet, state: ProgressiveState | undefined): PodCliqueSet {
  const next = structuredClone(pcs);
  const ann = { ...(next.metadata.annotations ?? {}) };
  if (state) ann[PcsAnnotations.rolloutState] = JSON.stringify(state);
  else delete ann[PcsAnnotations.rolloutState];
  next.metadata.annotations = ann;
  return next;
}

/** A transition: the state with some fields changed and `updatedAt` moved; pure. */
export function advance(
  s: ProgressiveState,
  change: Partial<ProgressiveState>,
  now: Date,
): ProgressiveState {
  return { ...s, ...change, updatedAt: rfc3339(now) };
}

/** Input of {@link initialState}. */
export type InitialStateInput = Omit<
  ProgressiveState,
  "version" | "phase" | "batch" | "startedAt" | "updatedAt" | "message"
>;

/** The state a new progressive rollout starts in; pure. */
export function initialState(i: InitialStateInput, now: Date): ProgressiveState {
  return {
    version: 1,
    phase: "Progressing",
    batch: 0,
    message: `started: ${i.kind} to ${i.image}`,
    startedAt: rfc3339(now),
    updatedAt: rfc3339(now),
    ...i,
  };
}

/**
 * Refuses to start a new progressive rollout while one is recorded, unless
 * it is the same rollout (same kind and image): then the caller continues it.
 * Returns the existing state to continue, or undefined to start fresh.
 */
export function checkNoOther(
  pcs: PodCliqueSet,
  want: { kind: ProgressiveKind; image: string },
): ProgressiveState | undefined {
  const s = readState(pcs);
  if (!s) return undefined;
  const name = pcs.metadata.name;
  if (s.kind === want.kind && s.image === want.image && s.phase === "Progressing") return s;
  throw new GroveError(
    `podcliqueset "${name}" already has a progressive rollout: ${s.kind} to ${s.image}, phase ${s.phase} (batch ${s.batch}, since ${s.startedAt})`,
    {
      hint:
        `see it with: kubectl grove rollout status ${name}; continue it with: kubectl grove rollout resume ${name}${
          s.phase === "Canary" ? `, or promote it: kubectl grove rollout promote ${name}` : ""
        }; or stop it with: kubectl grove rollout abort ${name}`,
    },
  );
}

/** The state, or an error saying there is no progressive rollout to act on. */
export function requireState(pcs: PodCliqueSet, verb: string): ProgressiveState {
  const s = readState(pcs);
  if (s) return s;
  const name = pcs.metadata.name;
  throw new GroveError(`podcliqueset "${name}" has no progressive rollout to ${verb}`, {
    hint: `start one with: kubectl grove rollout canary ${name} --image IMG --pods 1`,
  });
}

/** One line for `rollout status` and notes. */
export function describeState(s: ProgressiveState): string {
  const parts = [`${s.kind} to ${s.image}`, s.phase, `batch ${s.batch}`];
  if (s.domainsDone?.length) {
    parts.push(`${s.domainLevel ?? "domain"}s done ${s.domainsDone.join(",")}`);
  }
  if (s.gates) {
    const g = [
      s.gates.ttftP99Ms !== undefined ? `ttft p99<=${s.gates.ttftP99Ms}ms` : "",
      s.gates.tpotP99Ms !== undefined ? `tpot p99<=${s.gates.tpotP99Ms}ms` : "",
    ].filter(Boolean);
    parts.push(`gates ${g.join(" ")}`);
  }
  return `${parts.join(", ")}: ${s.message}`;
}

/**
 * The `rollout status` line of a progressive rollout state as parsed from
 * the annotation (any JSON value): the summary, then gate verdicts.
 */
export function describeProgressive(v: unknown): string {
  const s = v as ProgressiveState | undefined;
  if (!s || typeof s !== "object" || s.version !== 1 || typeof s.kind !== "string") {
    return JSON.stringify(v);
  }
  const gates = (s.lastGates ?? []).map((g) =>
    `${g.gate} ${g.measuredMs === null ? "n/a" : `${g.measuredMs}ms`}/${g.thresholdMs}ms ${
      g.pass ? "pass" : "FAIL"
    }`
  );
  return describeState(s) + (gates.length ? ` [${gates.join(", ")}]` : "");
}
