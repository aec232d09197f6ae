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
import { RevisionAnnotations, revisionSelector } from "./keys.ts";
import {
  type ControllerRevision,
  planRecording,
  type PlanRecordingOptions,
  readRevision,
  type RevisionAction,
  type RevisionInfo,
} from "./revision.ts";

/** Lists the revisions of a PodCliqueSet, oldest first. */
export async function listRevisions(
  kube: Kube,
  namespace: string,
  pcs: string,
): Promise<{ objects: ControllerRevision[]; revisions: RevisionInfo[] }> {
  const res = await kube.list<ControllerRevision>(Resources.controllerrevisions, {
    namespace,
    labelSelector: revisionSelector(pcs),
  });
  const objects = [...res.items].sort((a, b) => Number(a.revision) - Number(b.revision));
  return { objects, revisions: objects.map(readRevision) };
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
 * the number of the revision that now holds the new template.
 */
export async function recordChange(
  kube: Kube,
  opts: PlanRecordingOptions,
): Promise<number> {
  const ns = opts.pcs.metadata.namespace ?? kube.namespace;
  const { objects } = await listRevisions(kube, ns, opts.pcs.metadata.name);
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
  const { revisions } = await listRevisions(kube, namespace, pcs);
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
