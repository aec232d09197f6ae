/**
 * Rolling a progressive rollout back (abort, a failed gate, failing new
 * pods), and recording on the target revision how the rollout ended.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { rfc3339 } from "../../lib/grove/duration.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { resumedPcs } from "../../lib/revisions/pause.ts";
import { templateHash } from "../../lib/revisions/revision.ts";
import { listRevisions, markRolloutOutcome } from "../../lib/revisions/store.ts";
import { getPcs } from "../../lib/change/pcs.ts";
import { runChange } from "../../lib/change/run.ts";
import { loadObjects, replaceBatch, saveState } from "./io.ts";
import { type Lease, waitOpts } from "./lease.ts";
import { constraintsOf, pendingUnits, planBatches } from "./plan.ts";
import { advance, type ProgressiveState, withState } from "./state.ts";
import { type ProgressiveCommonOptions, type ProgressiveResult, result } from "./types.ts";

/** Replacements of one slot after which a rollback stops (its pods still do not match). */
export const MAX_SLOT_REPLACEMENTS = 3;

/**
 * Rolls back: restores the template from before the rollout (recorded as a
 * revision) unless it is already back, then replaces the new pods batch by
 * batch under the lease, and restores the previous update strategy.
 */
export async function rollBack(
  kube: Kube,
  ns: string,
  s: ProgressiveState,
  cause: string,
  o: ProgressiveCommonOptions,
  by: NonNullable<ProgressiveResult["rolledBackBy"]>,
  lease: Lease,
): Promise<ProgressiveResult> {
  const name = o.name;
  let pcs = await getPcs(kube, ns, name);
  let revision: number | undefined;
  const state = advance(
    s,
    { phase: "RollingBack", message: cause, driver: lease.stamp() },
    new Date(),
  );
  // the template from before the rollout (the live one when it is already back)
  let restored = pcs.spec.template;
  if (templateHash(pcs.spec.template) !== s.fromHash) {
    const { revisions } = await listRevisions(kube, ns, name);
    const rev = [...revisions].reverse().find((r) => r.hash === s.fromHash && r.template);
    if (!rev?.template) {
      throw new GroveError(
        `cannot roll back podcliqueset "${name}": no recorded revision holds the template from before the ${s.kind} rollout`,
        {
          hint:
            `see kubectl grove rollout history ${name}; restore one with kubectl grove rollout undo ${name} --to-revision N`,
        },
      );
    }
    restored = rev.template;
    const next = structuredClone(pcs);
    next.spec.template = structuredClone(rev.template);
    const res = await runChange(kube, {
      before: pcs,
      next: withState(next, state),
      changeCause: `${cause} (back to revision ${rev.revision})`,
      createdBy: o.createdBy ?? kube.contextName,
      historyLimit: o.historyLimit,
    });
    revision = res.revision;
    o.progress?.(
      `podcliqueset/${name}: template of revision ${rev.revision} restored; replacing the new pods`,
    );
  } else if (s.phase !== "RollingBack") {
    pcs = await saveState(kube, pcs, state);
  }
  // the content being restored, per clique template: pods that run it are never deleted again
  const targetSpecs = Object.fromEntries(
    (restored.cliques ?? []).map((c) => [c.name, c.spec?.podSpec]),
  );
  // a slot replaced this often whose new pods still do not match: the operator brings back
  // pods we do not recognise; stop instead of deleting forever
  const replacedBySlot = new Map<string, number>();
  let batches = 0;
  for (;;) {
    if (o.signal?.aborted) {
      return result(name, ns, "interrupted", "interrupted while rolling back; the state is kept", {
        state,
        batches,
        revision,
        rolledBackBy: by,
      });
    }
    const objs = await loadObjects(kube, ns, name, true);
    const units = pendingUnits({
      pcs: name,
      cliques: objs.podCliques,
      groups: objs.scalingGroups,
      pods: objs.pods,
      nodes: objs.nodes,
      changed: s.cliques,
      stableHashes: s.stableHashes,
      direction: "back",
      targetSpecs,
    });
    if (!units.length) break;
    const stuck = units.filter((u) => (replacedBySlot.get(u.slot) ?? 0) >= MAX_SLOT_REPLACEMENTS);
    if (stuck.length) {
      const pod = stuck[0].pods[0];
      const live = objs.pods.find((p) => p.metadata.name === pod?.name);
      throw new GroveError(
        `rolling back podcliqueset "${name}" stopped: ${stuck.map((u) => u.slot).join(", ")} ${
          stuck.length === 1 ? "was" : "were"
        } replaced ${MAX_SLOT_REPLACEMENTS} times and the operator still brings back pods that run neither the restored template nor a known pod-template-hash (pod ${pod?.name}, hash ${
          live?.metadata.labels?.[LabelKeys.podTemplateHash] ?? "none"
        }); nothing more is deleted`,
        {
          hint:
            `compare the pod with the template (kubectl grove rollout diff ${name}), check the operator's version and logs, and finish by hand (kubectl grove restart ${name} --role ...)`,
        },
      );
    }
    const constraints = constraintsOf(objs.podCliques, objs.scalingGroups);
    const batch =
      planBatches(units, constraints, o.batchSize ?? Math.max(s.batchSize, units.length))[0];
    o.progress?.(`rolling back: replacing ${batch.map((u) => u.id).join(", ")}`);
    for (const u of batch) replacedBySlot.set(u.slot, (replacedBySlot.get(u.slot) ?? 0) + 1);
    const done = await replaceBatch(kube, ns, name, batch, constraints, waitOpts(o, lease));
    if (!done) continue;
    batches++;
  }
  pcs = await getPcs(kube, ns, name);
  await saveState(kube, pcs, undefined, (p) => resumedPcs(p) ?? p);
  await noteOutcome(kube, ns, s, `aborted ${rfc3339(Date.now())}: ${cause}`, o);
  return result(name, ns, "rolled-back", cause, {
    batches,
    revision,
    gates: s.lastGates,
    rolledBackBy: by,
  });
}

/**
 * Marks the rollout's target revision with how it ended, so `rollout history`
 * shows promoted and aborted templates. The rollout itself is already done:
 * a failure here is reported, not thrown.
 */
export async function noteOutcome(
  kube: Kube,
  ns: string,
  s: ProgressiveState,
  outcome: string,
  o: ProgressiveCommonOptions,
): Promise<void> {
  try {
    const rev = await markRolloutOutcome(kube, ns, o.name, s.toHash, outcome);
    if (rev !== undefined) o.progress?.(`revision ${rev}: ${outcome}`);
  } catch (e) {
    o.progress?.(
      `note: could not mark the revision of the new template (${
        e instanceof Error ? e.message : String(e)
      }); the rollout itself is done`,
    );
  }
}
