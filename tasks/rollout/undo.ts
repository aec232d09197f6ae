/**
 * `rollout undo`: restore a revision's template (default: the one before
 * the current) with a precondition, recorded as the newest revision.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { yamlDiff } from "../../lib/revisions/diff.ts";
import type { RevisionInfo } from "../../lib/revisions/revision.ts";
import type { UpdatePlan } from "../update/plan.ts";
import { type ChangeResult, runChange } from "../../lib/change/run.ts";
import { assertNotDeleting } from "../../lib/change/pcs.ts";
import { findRevision, rolloutHistory } from "./history.ts";

/** Options of {@link undo}. */
export interface UndoOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Revision to restore (default: the one before the current). */
  toRevision?: number;
  /** Preview (diff) and server-validate only. */
  dryRun?: boolean;
  /** Asked after the server dry-run; false cancels. */
  confirm?: (plan: UpdatePlan) => Promise<boolean>;
  /** Change cause (default `rollback to revision N`). */
  changeCause?: string;
  /** Who (default: the context name). */
  createdBy?: string;
  /** Revisions kept (default 10). */
  historyLimit?: number;
  /** The clock. */
  now?: () => Date;
  /** Ctrl-C: nothing is written once it fired; see `RunChangeOptions.signal`. */
  signal?: AbortSignal;
}

/** What undo did. */
export interface UndoResult extends ChangeResult {
  /** The revision restored. */
  target: number;
  /** Unified diff live -> restored template. */
  diff: string;
}

/** The revision undo restores by default: the newest whose template is not live. */
export function previousRevision(
  revisions: RevisionInfo[],
  currentRevision: number | null,
): RevisionInfo | undefined {
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision);
  const cur = sorted.find((r) => r.revision === currentRevision);
  return sorted.find((r) =>
    r.hash !== cur?.hash && (currentRevision === null || r.revision < currentRevision)
  ) ??
    sorted.find((r) => r.hash !== cur?.hash);
}

/**
 * Restores a revision of a PodCliqueSet (default: the previous one), like
 * `kubectl rollout undo`; the restored template becomes the newest revision.
 *
 * @example
 * ```ts ignore
 * import { connect, undo } from "./mod.ts";
 * const r = await undo(await connect(), { name: "qwen", toRevision: 2 });
 * console.log(`restored revision ${r.target}, now revision ${r.revision}`);
 * ```
 */
export async function undo(kube: Kube, opts: UndoOptions): Promise<UndoResult> {
  const h = await rolloutHistory(kube, opts);
  assertNotDeleting(h.pcs, "undo a rollout");
  let target: RevisionInfo | undefined;
  if (opts.toRevision !== undefined) target = findRevision(h.revisions, opts.toRevision, opts.name);
  else {
    target = previousRevision(h.revisions, h.currentRevision);
    if (!target) {
      throw new GroveError(`podcliqueset "${opts.name}" has no earlier revision to go back to`, {
        hint: `see kubectl grove rollout history ${opts.name}`,
      });
    }
  }
  if (!target.template) {
    throw new GroveError(`revision ${target.revision} (${target.name}) holds no template`, {
      hint: "the ControllerRevision was edited or written by another tool; pick another revision",
    });
  }
  const next = structuredClone(h.pcs);
  next.spec.template = structuredClone(target.template);
  const diff = await yamlDiff(
    h.pcs.spec.template,
    target.template,
    h.currentRevision === null ? "live (unrecorded)" : `live (revision ${h.currentRevision})`,
    `revision ${target.revision}`,
  );
  const res = await runChange(kube, {
    signal: opts.signal,
    before: h.pcs,
    next,
    dryRun: opts.dryRun,
    confirm: opts.confirm,
    changeCause: opts.changeCause ?? `rollback to revision ${target.revision}`,
    createdBy: opts.createdBy ?? kube.contextName,
    historyLimit: opts.historyLimit,
    now: opts.now,
  });
  return { ...res, target: target.revision, diff };
}
