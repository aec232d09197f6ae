/**
 * Labels and annotations kubectl-grove writes: on the ControllerRevisions it
 * keeps for each PodCliqueSet, and on the PodCliqueSet itself (pause, and the
 * state of a progressive rollout).
 *
 * @module
 */

/** Labels of every revision we store. */
export const RevisionLabels = {
  /** `app.kubernetes.io/managed-by=kubectl-grove`. */
  managedBy: "app.kubernetes.io/managed-by",
  /** `grove.io/podcliqueset=<pcs>`: the PodCliqueSet the revision belongs to. */
  podCliqueSet: "grove.io/podcliqueset",
} as const;

/** Value of `app.kubernetes.io/managed-by` on our revisions. */
export const MANAGED_BY_TOOL = "kubectl-grove";

/** Annotations of a revision. */
export const RevisionAnnotations = {
  /** Why the change was made (`-m`), like `kubernetes.io/change-cause`. */
  changeCause: "kubernetes.io/change-cause",
  /** Who made it (`user@context`). */
  createdBy: "kubectl-grove.io/created-by",
  /** When the template became current (RFC 3339); updated when an older revision is restored. */
  recordedAt: "kubectl-grove.io/recorded-at",
  /** `true` when the template was found live without a revision (a change made outside kubectl-grove). */
  unrecorded: "kubectl-grove.io/unrecorded",
  /** Earlier revision numbers of the same template, comma-separated (after an undo). */
  revisionHistory: "kubectl-grove.io/revision-history",
  /** Mean PodGang placement score when the change was made (rollout status shows before/now). */
  placementScore: "kubectl-grove.io/placement-score",
  /**
   * How a progressive rollout to this template ended: `promoted <time>`,
   * `completed <time>` or `aborted <time>: <reason>` (history shows it).
   */
  rolloutOutcome: "kubectl-grove.io/rollout-outcome",
  /**
   * JSON list of the records of this template's earlier numbers (`[{revision,
   * recordedAt, createdBy, changeCause}]`), kept when an older revision is
   * restored, so history still shows when, by whom and why each was made.
   */
  previousRecords: "kubectl-grove.io/previous-records",
} as const;

/** Annotations kubectl-grove keeps on a PodCliqueSet. */
export const PcsAnnotations = {
  /** Set while paused: the update strategy to restore on resume (`RollingRecreate`). */
  pausedFrom: "kubectl-grove.io/paused-from-strategy",
  /** Set while paused: when (RFC 3339). */
  pausedAt: "kubectl-grove.io/paused-at",
  /**
   * JSON state of a progressive rollout (canary, rack-by-rack, gated) driven
   * by the tool over OnDelete: `{ kind, step, batch, revision, ... }`.
   * Reserved for progressive rollouts; `rollout status` shows it when present.
   */
  rolloutState: "kubectl-grove.io/rollout-state",
  /**
   * JSON `{ hash, cause, by, at }` written with every template change, in the same write:
   * the change cause survives when recording its ControllerRevision fails (history shows it,
   * and the next recording uses it).
   */
  lastChange: "kubectl-grove.io/last-change",
} as const;

/** What {@link PcsAnnotations.lastChange} holds. */
export interface LastChange {
  /** Template hash the change produced. */
  hash: string;
  /** Change cause (`-m`). */
  cause?: string;
  /** Who made it. */
  by?: string;
  /** When (RFC 3339). */
  at?: string;
}

/** Reads {@link PcsAnnotations.lastChange} from annotations; undefined when absent or malformed. */
export function readLastChange(
  annotations: Record<string, string> | undefined,
): LastChange | undefined {
  const raw = annotations?.[PcsAnnotations.lastChange];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw);
    return v && typeof v.hash === "string" ? v as LastChange : undefined;
  } catch {
    return undefined;
  }
}

/** Label selector of the revisions of one PodCliqueSet. */
export function revisionSelector(pcs: string): string {
  return `${RevisionLabels.managedBy}=${MANAGED_BY_TOOL},${RevisionLabels.podCliqueSet}=${pcs}`;
}
