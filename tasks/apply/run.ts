/**
 * `apply -f file.yaml`: server dry-run, a diff against the live object, the
 * plan comparison, then a write with a precondition and a recorded revision
 * (or a create, recorded as revision 1).
 *
 * @module
 */

import { shielded } from "../../lib/kube/shield.ts";
import { groveMissing } from "../../lib/grove/list.ts";
import { isApiStatus, isNotServed } from "../../lib/errors.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { yamlDiff } from "../../lib/revisions/diff.ts";
import { PcsAnnotations } from "../../lib/revisions/keys.ts";
import { recordChange } from "../../lib/revisions/store.ts";
import { checkPlacement } from "../../lib/change/placement.ts";
import { placementFit } from "../../lib/change/fit.ts";
import { planChange, type UpdatePlan } from "../../lib/change/plan.ts";
import { type ChangeResult, runChange } from "../../lib/change/run.ts";
import { assertNotDeleting } from "../../lib/change/pcs.ts";

/** Options of {@link applyPcs}. */
export interface ApplyOptions {
  /** The desired object (from a file). */
  desired: PodCliqueSet;
  /** Namespace when the object names none (default: the client's). */
  namespace?: string;
  /** Validate on the server and preview only. */
  dryRun?: boolean;
  /** Keep topology constraints of the live object. */
  preservePlacement?: boolean;
  /** Asked after the server dry-run; false cancels. */
  confirm?: (plan: UpdatePlan, diff: string) => Promise<boolean>;
  /** Change cause (default `apply`). */
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

/** What apply did. */
export interface ApplyResult extends ChangeResult {
  /** True when the object did not exist and was (or would be) created. */
  created: boolean;
  /** Unified YAML diff of the spec, live -> file. */
  diff: string;
}

/** Merges the file's object into the live one: spec from the file, labels and annotations overlaid. */
export function mergeForApply(live: PodCliqueSet, desired: PodCliqueSet): PodCliqueSet {
  const next = structuredClone(live);
  next.spec = structuredClone(desired.spec);
  next.metadata.labels = { ...live.metadata.labels, ...desired.metadata.labels };
  const ours = Object.fromEntries(
    Object.entries(live.metadata.annotations ?? {}).filter(([k]) =>
      (Object.values(PcsAnnotations) as string[]).includes(k)
    ),
  );
  next.metadata.annotations = {
    ...live.metadata.annotations,
    ...desired.metadata.annotations,
    ...ours,
  };
  if (!Object.keys(next.metadata.annotations).length) delete next.metadata.annotations;
  if (!Object.keys(next.metadata.labels).length) delete next.metadata.labels;
  // a paused set stays paused: its strategy is the tool's until resume
  if (live.metadata.annotations?.[PcsAnnotations.pausedFrom]) {
    next.spec.updateStrategy = live.spec.updateStrategy;
  }
  return next;
}

/**
 * Applies a PodCliqueSet: creates it, or changes the live one with a
 * resourceVersion precondition; records revisions either way.
 *
 * @example
 * ```ts ignore
 * import { applyPcs, connect, parseManifest } from "./mod.ts";
 * const [doc] = parseManifest(await Deno.readTextFile("qwen.yaml"), "qwen.yaml");
 * const r = await applyPcs(await connect(), { desired: doc.pcs, changeCause: "tp 4" });
 * console.log(r.created ? "created" : `revision ${r.revision}`);
 * ```
 */
export async function applyPcs(kube: Kube, opts: ApplyOptions): Promise<ApplyResult> {
  const ns = opts.desired.metadata.namespace ?? opts.namespace ?? kube.namespace;
  const name = opts.desired.metadata.name;
  const desired = structuredClone(opts.desired);
  desired.metadata.namespace = ns;
  delete desired.metadata.resourceVersion;
  delete (desired as { status?: unknown }).status;
  let live: PodCliqueSet | undefined;
  try {
    live = await kube.get<PodCliqueSet>(Resources.podcliquesets, name, ns);
  } catch (e) {
    if (isNotServed(e)) throw groveMissing(kube, Resources.podcliquesets, e);
    if (!isApiStatus(e, 404)) throw e;
  }
  const now = opts.now ?? (() => new Date());
  if (!live) {
    const empty: PodCliqueSet = {
      metadata: { name, namespace: ns },
      spec: { template: { cliques: [] } },
    };
    const plan = planChange(empty, desired, { pods: [] });
    const diff = await yamlDiff(null, desired.spec, "(none)", `podcliqueset ${name}`);
    await kube.create(Resources.podcliquesets, desired, { namespace: ns, dryRun: true });
    if (opts.dryRun) return { plan, applied: false, skipped: "dry-run", created: true, diff };
    if (opts.confirm && !(await opts.confirm(plan, diff))) {
      return { plan, applied: false, skipped: "declined", created: true, diff };
    }
    opts.signal?.throwIfAborted(); // the last moment at which nothing has been written
    const stored = await shielded(
      kube,
      () => kube.create<PodCliqueSet>(Resources.podcliquesets, desired, { namespace: ns }),
    );
    const revision = await shielded(kube, () =>
      recordChange(kube, {
        pcs: stored,
        before: stored.spec.template,
        after: stored.spec.template,
        limit: opts.historyLimit ?? 10,
        meta: {
          now: now(),
          changeCause: opts.changeCause ?? "created by apply",
          createdBy: opts.createdBy ?? kube.contextName,
        },
      })).catch(() => undefined);
    return { plan, applied: true, pcs: stored, revision, created: true, diff };
  }
  assertNotDeleting(live, "apply to it");
  const next = mergeForApply(live, desired);
  const warnings = checkPlacement(live, next, opts.preservePlacement ?? false);
  if (opts.preservePlacement) warnings.push(...await placementFit(kube, live, next));
  const diff = await yamlDiff(live.spec, next.spec, `live podcliqueset ${name}`, "file");
  const res = await runChange(kube, {
    signal: opts.signal,
    before: live,
    next,
    warnings,
    dryRun: opts.dryRun,
    confirm: opts.confirm ? (plan) => opts.confirm!(plan, diff) : undefined,
    changeCause: opts.changeCause ?? "apply",
    createdBy: opts.createdBy ?? kube.contextName,
    historyLimit: opts.historyLimit,
    now,
  });
  return { ...res, created: false, diff };
}
