/**
 * `rollout pause` and `rollout resume`: switch the update strategy to
 * OnDelete (remembering the previous one in an annotation) and back.
 *
 * @module
 */

import type { PodCliqueSet } from "../../lib/grove/types.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { isPaused, pausedPcs, resumedPcs, strategyOf } from "../../lib/revisions/pause.ts";
import { pauseRefusal } from "../../lib/grove/strategy.ts";
import { GroveError } from "../../lib/errors.ts";
import { serverDryRun, writePcsChange } from "../../lib/change/write.ts";
import { assertNotDeleting, getPcs } from "../../lib/change/pcs.ts";

/** Options of {@link pause} and {@link resume}. */
export interface PauseOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Server-validate only. */
  dryRun?: boolean;
  /** Asked before the write; false cancels. */
  confirm?: (question: string) => Promise<boolean>;
  /** The clock. */
  now?: () => Date;
}

/** What pause/resume did. */
export interface PauseResult {
  /** PodCliqueSet. */
  name: string;
  /** True when the object was changed. */
  changed: boolean;
  /** Why not, when not. */
  skipped?: "already" | "dry-run" | "declined";
  /** Strategy before. */
  from: string;
  /** Strategy after. */
  to: string;
}

async function toggle(kube: Kube, opts: PauseOptions, pausing: boolean): Promise<PauseResult> {
  const ns = opts.namespace ?? kube.namespace;
  const now = opts.now ?? (() => new Date());
  const before = await getPcs(kube, ns, opts.name);
  assertNotDeleting(before, pausing ? "pause its rollout" : "resume its rollout");
  const refusal = pausing && !isPaused(before) ? pauseRefusal(before) : undefined;
  if (refusal) {
    throw new GroveError(refusal, {
      hint:
        `let the operator finish (kubectl grove rollout status ${opts.name} -w), or go back with kubectl grove rollout undo ${opts.name}`,
    });
  }
  const next: PodCliqueSet | undefined = pausing ? pausedPcs(before, now()) : resumedPcs(before);
  const from = strategyOf(before);
  if (!next) return { name: opts.name, changed: false, skipped: "already", from, to: from };
  const to = strategyOf(next);
  await serverDryRun(kube, next);
  if (opts.dryRun) return { name: opts.name, changed: false, skipped: "dry-run", from, to };
  const q = pausing
    ? `Pause the rollout of podcliqueset ${ns}/${opts.name} (strategy ${from} -> OnDelete)?`
    : `Resume the rollout of podcliqueset ${ns}/${opts.name} (strategy OnDelete -> ${to})?`;
  if (opts.confirm && !(await opts.confirm(q))) {
    return { name: opts.name, changed: false, skipped: "declined", from, to };
  }
  await writePcsChange(kube, { before, next, historyLimit: 10, now, record: false });
  return { name: opts.name, changed: true, from, to };
}

/**
 * Pauses a PodCliqueSet's rollout: the strategy becomes OnDelete (pods
 * already replaced stay; no further pod is recreated) and the previous
 * strategy is kept in the annotation `kubectl-grove.io/paused-from-strategy`.
 *
 * @example
 * ```ts ignore
 * import { connect, pause } from "./mod.ts";
 * await pause(await connect(), { name: "qwen" });
 * ```
 */
export function pause(kube: Kube, opts: PauseOptions): Promise<PauseResult> {
  return toggle(kube, opts, true);
}

/**
 * Resumes a paused rollout: restores the remembered strategy.
 *
 * @example
 * ```ts ignore
 * import { connect, resume } from "./mod.ts";
 * await resume(await connect(), { name: "qwen" });
 * ```
 */
export function resume(kube: Kube, opts: PauseOptions): Promise<PauseResult> {
  return toggle(kube, opts, false);
}
