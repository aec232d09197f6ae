/**
 * Pause and resume of a PodCliqueSet rollout, as pure transformations:
 * pause switches `spec.updateStrategy.type` to OnDelete and remembers the
 * previous strategy in an annotation; resume restores it.
 *
 * @module
 */

import type { PodCliqueSet, UpdateStrategyType } from "../grove/types.ts";
import { PcsAnnotations } from "./keys.ts";
import { rfc3339 } from "../grove/duration.ts";

/** The update strategy in effect (`RollingRecreate` when unset). */
export function strategyOf(pcs: PodCliqueSet): UpdateStrategyType {
  return pcs.spec?.updateStrategy?.type ?? "RollingRecreate";
}

/** True when kubectl-grove paused this PodCliqueSet. */
export function isPaused(pcs: PodCliqueSet): boolean {
  return pcs.metadata.annotations?.[PcsAnnotations.pausedFrom] !== undefined;
}

/**
 * The PodCliqueSet paused: OnDelete, with the previous strategy kept in an
 * annotation. Returns undefined when it is already paused.
 *
 * @example
 * ```ts
 * import { pausedPcs } from "./pause.ts";
 * const p = pausedPcs({ metadata: { name: "x" }, spec: { template: { cliques: [] } } }, new Date(0));
 * p?.spec.updateStrategy?.type; // "OnDelete"
 * ```
 */
export function pausedPcs(pcs: PodCliqueSet, now: Date): PodCliqueSet | undefined {
  if (isPaused(pcs)) return undefined;
  const next = structuredClone(pcs);
  next.metadata.annotations = {
    ...next.metadata.annotations,
    [PcsAnnotations.pausedFrom]: strategyOf(pcs),
    [PcsAnnotations.pausedAt]: rfc3339(now),
  };
  next.spec.updateStrategy = { ...next.spec.updateStrategy, type: "OnDelete" };
  return next;
}

/**
 * The PodCliqueSet resumed: the remembered strategy restored and the
 * annotations removed. Returns undefined when it is not paused.
 */
export function resumedPcs(pcs: PodCliqueSet): PodCliqueSet | undefined {
  if (!isPaused(pcs)) return undefined;
  const next = structuredClone(pcs);
  const from = next.metadata.annotations![PcsAnnotations.pausedFrom];
  delete next.metadata.annotations![PcsAnnotations.pausedFrom];
  delete next.metadata.annotations![PcsAnnotations.pausedAt];
  // Restore what was there; only an empty or missing record falls back to the default.
  const type: UpdateStrategyType = from ? from : "RollingRecreate";
  next.spec.updateStrategy = { ...next.spec.updateStrategy, type };
  return next;
}
