/**
 * Reading and writing the revisions of a PodCliqueSet through the Kube
 * client: one list per call (label-selected on the server), writes with
 * preconditions.
 *
 * @module
 */

import { isApiStatus } from "../errors.ts";
import { Resources } from "../kube/resources.ts";
import type { Kube } from "../kube/types.ts";
import { MANAGED_BY_TOOL, RevisionAnnotations, RevisionLabels } from "./keys.ts";
import {
  type ControllerRevision,
  planRecording,
  type PlanRecordingOptions,
  readRevision,
  type RevisionAction,
  type RevisionInfo,
} from "./revision.ts";

/**
 * True for a ControllerRevision the Grove operator wrote for PodCliqueSet
 * `pcs`: owned by the PodCliqueSet (and not one of ours). Grove's revision
 * history (open upstream work) stores them next to `status.currentRevision`.
 */
export function isOperatorRevision(cr: ControllerRevision, pcs: string): boolean {
  if (cr.metadata.labels?.[RevisionLabels.managedBy] === MANAGED_BY_TOOL) return false;
  return (cr.metadata.ownerReferences ?? []).some((o) =>
    o.kind === "PodCliqueSet" && o.name === pcs
  );
}

/** The revisions of a PodCliqueSet and who keeps them. */
export interface RevisionSet {
  /** The ControllerRevisions in use, oldest first. */
  objects: ControllerRevision[];
  /** The same, read. */
  revisions: RevisionInfo[];
  /**
   * `operator` when the Grove operator writes revisions for this set (they are
   * shown and used; kubectl-grove records none of its own), else `kubectl-grove`.
   */
  source: "operator" | "kubectl-grove";
}

/**
 * Splits a namespace's ControllerRevisions into the revisions of one
 * PodCliqueSet: the operator's when there are any, else ours. Pure.
 *
 * @example
 * ```ts
 * import { selectRevisions } from "./store.ts";
 * selectRevisions([], "demo").source; // "kubectl-grove"
 * ```
 */
export function selectRevisions(all: readonly ControllerRevision[], pcs: string): RevisionSet {
  const byNumber = (a: ControllerRevision, b: ControllerRevision) =>
    Number(a.revision) - Number(b.revision);
  const operator = all.filter((o) => isOperatorRevision(o, pcs)).sort(byNumber);
  if (operator.length) {
    return {
      objects: operator,
      revisions: operator.map((o) => {
        const r = readRevision(o);
        return { ...r, createdBy: r.createdBy ?? "grove-operator", writtenBy: "operator" as const };
      }),
      source: "operator",
    };
  }
  const ours = all.filter((o) =>
    o.metadata.labels?.[RevisionLabels.managedBy] === MANAGED_BY_TOOL &&
    o.metadata.labels?.[RevisionLabels.podCliqueSet] === pcs
  ).sort(byNumber);
  return { objects: ours, revisions: ours.map(readRevision), source: "kubectl-grove" };
}

/**
 * Lists the revisions of a PodCliqueSet, oldest first: one list of the
 * namespace's ControllerRevisions (the operator's carry no label we could
 * select on, only an owner reference), then {@link selectRevisions}.
 */
export async function listRevisions(
  kube: Kube,
  namespace: string,
  pcs: string,
): Promise<RevisionSet> {
  const res = await kube.list<ControllerRevision>(Resources.controllerrevisions, { namespace });
  return selectRevisions(res.items, pcs);
}

/** Performs a recording plan. A revision deleted meanwhile is not an error. */
export async function applyRevisionActions(
  kube: Kube,
  namespace: string,
  actions: RevisionAction[],
): Promise<void> {
  for (const a of actions) {
    if (a.op === "create") {
      await kube.create(Resources.controllerrevisions, a.object, { namespace });
    } else if (a.op === "replace") {
      await kube.replace(Resources.controllerrevisions, a.object, { namespace });
    } else {
      try {
        await kube.delete(Resources.controllerrevisions, a.name, {
          namespace,
          preconditions: a.resourceVersion ? { resourceVersion: a.resourceVersion } : undefined,
        });
      } catch (e) {
        if (!isApiStatus(e, 404) && !isApiStatus(e, 409)) throw e;
      }
    }
  }
}

/**
 * Records a template change: lists the revisions, plans and writes. Returns
 * the number of the revision that now holds the new template, or 0 when the
 * Grove operator keeps this set's revisions (nothing recorded: no second copy).
 */
export async function recordChange(
  kube: Kube,
  opts: PlanRecordingOptions,
): Promise<number> {
  const ns = opts.pcs.metadata.namespace ?? kube.namespace;
  const { objects, source } = await listRevisions(kube, ns, opts.pcs.metadata.name);
  // The operator keeps the history: no second copy (its revision of the change follows).
  if (source === "operator") return 0;
  const actions = planRecording(objects, opts);
  await applyRevisionActions(kube, ns, actions);
  for (const a of [...actions].reverse()) if (a.op !== "delete") return a.object.revision;
  return Math.max(0, ...objects.map((o) => Number(o.revision)));
}

/**
 * Notes on the newest revision holding template `hash` how a progressive
 * rollout to it ended (a merge patch of one annotation). Returns the revision
 * number, or undefined when no revision holds the template (nothing written).
 */
export async function markRolloutOutcome(
  kube: Kube,
  namespace: string,
  pcs: string,
  hash: string,
  outcome: string,
): Promise<number | undefined> {
  const { revisions, source } = await listRevisions(kube, namespace, pcs);
  if (source === "operator") return undefined; // not ours to annotate
  const rev = [...revisions].reverse().find((r) => r.hash === hash);
  if (!rev) return undefined;
  try {
    await kube.patch(
      Resources.controllerrevisions,
      rev.name,
      { metadata: { annotations: { [RevisionAnnotations.rolloutOutcome]: outcome } } },
      "merge",
      { namespace },
    );
  } catch (e) {
    if (isApiStatus(e, 404)) return undefined;
    throw e;
  }
  return rev.revision;
}
