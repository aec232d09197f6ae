/**
 * The shared flow of every command that changes a PodCliqueSet's spec
 * (update, undo, apply, pause/resume): preview, server dry-run, confirmation,
 * write with a precondition, revision recording.
 *
 * @module
 */

import { shielded } from "../kube/shield.ts";
import { partOfSelector } from "../grove/labels.ts";
import type { Pod, PodClique, PodCliqueSet } from "../grove/types.ts";
import { GroveError } from "../errors.ts";
import { Resources } from "../kube/resources.ts";
import type { Kube } from "../kube/types.ts";
import { type ImageTarget, planChange, type UpdatePlan } from "./plan.ts";
import { listGangs, meanPlacementScore } from "./pcs.ts";
import { serverDryRun, writePcsChange } from "./write.ts";

/** Options of {@link runChange}. */
export interface RunChangeOptions {
  /** The object as read. */
  before: PodCliqueSet;
  /** The desired object. */
  next: PodCliqueSet;
  /** Image targets (update). */
  targets?: ImageTarget[];
  /** Warnings to show with the preview. */
  warnings?: string[];
  /** Preview (and server-validate) only. */
  dryRun?: boolean;
  /** Asked after the server dry-run passed; false leaves everything as is. Default: yes. */
  confirm?: (plan: UpdatePlan) => Promise<boolean>;
  /** Change cause for the revision. */
  changeCause?: string;
  /** Who makes the change. */
  createdBy?: string;
  /** Revisions to keep (default 10). */
  historyLimit?: number;
  /** The clock. */
  now?: () => Date;
  /** Record revisions (default true). */
  record?: boolean;
  /**
   * Ctrl-C: checked between every step before the write (nothing is written once it fired);
   * the write itself and the revision recording are not cut off.
   */
  signal?: AbortSignal;
  /**
   * Set by commands that have a `--force` flag (update): without it, a change whose preview
   * lists `needsForce` is refused. Left undefined, nothing is refused.
   */
  force?: boolean;
  /** The command's flag that overrides `needsForce` (default `--force`), for the error's hint. */
  forceFlag?: string;
}

/** What a change did. */
export interface ChangeResult {
  /** The preview. */
  plan: UpdatePlan;
  /** True when the cluster was changed. */
  applied: boolean;
  /** Why not, when not applied. */
  skipped?: "no-change" | "dry-run" | "declined";
  /** The object after the write. */
  pcs?: PodCliqueSet;
  /** Revision now current, when recorded. */
  revision?: number;
  /** Why the revision could not be recorded, when the change was applied but recording failed. */
  recordError?: string;
}

/** Previews, validates on the server, confirms, writes and records a change. */
export async function runChange(kube: Kube, opts: RunChangeOptions): Promise<ChangeResult> {
  const ns = opts.before.metadata.namespace ?? kube.namespace;
  const name = opts.before.metadata.name;
  const stop = () => opts.signal?.throwIfAborted();
  stop();
  const [pods, gangs, cliques] = await Promise.all([
    kube.list<Pod>(Resources.pods, { namespace: ns, labelSelector: partOfSelector(name) }),
    listGangs(kube, ns, name),
    kube.list<PodClique>(Resources.podcliques, {
      namespace: ns,
      labelSelector: partOfSelector(name),
    }).then((l) => l.items).catch(() => [] as PodClique[]),
  ]);
  const plan = planChange(opts.before, opts.next, {
    pods: pods.items,
    targets: opts.targets,
    warnings: opts.warnings,
    cliques,
  });
  if (plan.noChange) return { plan, applied: false, skipped: "no-change" };
  stop();
  await serverDryRun(kube, opts.next);
  stop();
  if (opts.dryRun) return { plan, applied: false, skipped: "dry-run" };
  if (plan.needsForce.length && opts.force === false) {
    throw new GroveError(
      `refusing to change podcliqueset ${ns}/${name}: ${plan.needsForce.join("; ")}`,
      {
        hint: `scale the clique to 2 replicas first, or pass ${
          opts.forceFlag ?? "--force"
        } to accept the gang's termination clock starting (preview: --dry-run)`,
      },
    );
  }
  if (opts.confirm && !(await opts.confirm(plan))) {
    return { plan, applied: false, skipped: "declined" };
  }
  stop(); // the last moment at which nothing has been written
  const res = await shielded(kube, () =>
    writePcsChange(kube, {
      before: opts.before,
      next: opts.next,
      changeCause: opts.changeCause,
      createdBy: opts.createdBy,
      historyLimit: opts.historyLimit ?? 10,
      now: opts.now ?? (() => new Date()),
      placementScore: meanPlacementScore(gangs),
      record: opts.record,
    }));
  return {
    plan,
    applied: true,
    pcs: res.pcs,
    revision: res.revision,
    recordError: res.recordError,
  };
}
