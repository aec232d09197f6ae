/**
 * Update strategies of a PodCliqueSet as kubectl-grove understands them:
 * `RollingRecreate` (Grove's default today), `OnDelete`, and `Coherent`
 * (GREP-393: per-component `rollingUpdate.maxUnavailable`, PodGangMaps,
 * `inFlightPodGangs`, scaling refused during an update). Every field is
 * optional; a strategy we do not know is reported as unknown, never as
 * RollingRecreate. Pure.
 *
 * @module
 */

import type { PodCliqueSet } from "./types.ts";

/** The strategies kubectl-grove knows. */
export const KNOWN_STRATEGIES = ["RollingRecreate", "OnDelete", "Coherent"] as const;

/** What we know of a set's update strategy. */
export interface StrategyInfo {
  /** `spec.updateStrategy.type` as written, `RollingRecreate` when unset. */
  type: string;
  /** False when the field is unset (the server's default applies). */
  explicit: boolean;
  /** One of {@link KNOWN_STRATEGIES}. */
  known: boolean;
  /** Per component `rollingUpdate.maxUnavailable` (cliques and scaling groups that set it). */
  maxUnavailable: { component: string; kind: "clique" | "scalingGroup"; value: number }[];
}

/**
 * Reads a set's update strategy.
 *
 * @example
 * ```ts
 * import { strategyInfo } from "./strategy.ts";
 * strategyInfo({ metadata: { name: "x" }, spec: { updateStrategy: { type: "Coherent" },
 *   template: { cliques: [] } } }).known; // true
 * strategyInfo({ metadata: { name: "x" }, spec: { updateStrategy: { type: "Surge" },
 *   template: { cliques: [] } } }).known; // false
 * ```
 */
export function strategyInfo(pcs: PodCliqueSet): StrategyInfo {
  const raw = pcs.spec?.updateStrategy?.type;
  const type = typeof raw === "string" && raw ? raw : "RollingRecreate";
  const tpl = pcs.spec?.template;
  const maxUnavailable: StrategyInfo["maxUnavailable"] = [];
  for (const c of tpl?.cliques ?? []) {
    const v = c.rollingUpdate?.maxUnavailable;
    if (typeof v === "number") maxUnavailable.push({ component: c.name, kind: "clique", value: v });
  }
  for (const g of tpl?.podCliqueScalingGroups ?? []) {
    const v = g.rollingUpdate?.maxUnavailable;
    if (typeof v === "number") {
      maxUnavailable.push({ component: g.name, kind: "scalingGroup", value: v });
    }
  }
  return {
    type,
    explicit: typeof raw === "string" && raw !== "",
    known: (KNOWN_STRATEGIES as readonly string[]).includes(type),
    maxUnavailable,
  };
}

/**
 * Why kubectl-grove cannot pause this set's rollout (it pauses by switching
 * the strategy to OnDelete and restores it on resume), or undefined when it
 * can. Coherent cannot be switched away from: its update runs in sub-steps
 * through PodGangMaps and in-flight PodGangs that RollingRecreate and
 * OnDelete do not know, and switching back re-lays out every PodGang. An
 * unknown strategy may not survive the switch either.
 *
 * @example
 * ```ts
 * import { pauseRefusal } from "./strategy.ts";
 * pauseRefusal({ metadata: { name: "x" }, spec: { updateStrategy: { type: "Coherent" },
 *   template: { cliques: [] } } }) !== undefined; // true
 * ```
 */
export function pauseRefusal(pcs: PodCliqueSet): string | undefined {
  const s = strategyInfo(pcs);
  if (s.type === "Coherent") {
    return `podcliqueset "${pcs.metadata.name}" uses the Coherent update strategy, which cannot be paused the way kubectl-grove pauses (switching to OnDelete and back): the operator drives a Coherent update in sub-steps through PodGangMaps and in-flight PodGangs that OnDelete does not know, and switching back re-creates every PodGang`;
  }
  if (!s.known) {
    return `podcliqueset "${pcs.metadata.name}" uses the update strategy "${s.type}", which kubectl-grove does not know: it cannot tell whether switching to OnDelete and back is safe`;
  }
  return undefined;
}
