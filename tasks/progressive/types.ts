/**
 * The public types of progressive rollouts: the options of every step, the
 * result every step returns, and its constructor.
 *
 * @module
 */

import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import type { UpdatePlan } from "../../lib/change/plan.ts";
import type { ScrapeOptions } from "./io.ts";
import type { Unit } from "./plan.ts";
import type { GateResult, GateSpec, ProgressiveKind, ProgressiveState } from "./state.ts";

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

/** A result of `outcome` for the rollout of `name` in `ns`. */
export function result(
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
