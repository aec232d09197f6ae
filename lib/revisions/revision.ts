/**
 * ControllerRevisions as kubectl-grove keeps them for a PodCliqueSet, as pure
 * functions: build one, read one, and plan what to write when a template
 * changes (record the live template if it was never recorded, record or
 * renumber the new one, trim the history to its limit).
 *
 * A revision is an `apps/v1` ControllerRevision `<pcs>-<hash>` owned by the
 * PodCliqueSet (so it goes when the set goes), labelled
 * `app.kubernetes.io/managed-by=kubectl-grove` and `grove.io/podcliqueset=<pcs>`,
 * with `data: { spec: { template } }` and the revision number in `revision`.
 *
 * @module
 */

import type { KubeObject } from "../kube/types.ts";
import type { PodCliqueSet, PodCliqueSetTemplateSpec } from "../grove/types.ts";
import { stableHash } from "./hash.ts";
import { MANAGED_BY_TOOL, readLastChange, RevisionAnnotations, RevisionLabels } from "./keys.ts";
import { rfc3339 } from "../grove/duration.ts";

/** An `apps/v1` ControllerRevision. */
export interface ControllerRevision extends KubeObject {
  /** Stored state: `{ spec: { template } }`. */
  data?: { spec?: { template?: PodCliqueSetTemplateSpec } };
  /** Revision number (1, 2, ...). */
  revision: number;
}

/** A revision as the tool reads it. */
export interface RevisionInfo {
  /** Revision number. */
  revision: number;
  /** ControllerRevision name. */
  name: string;
  /** Template hash (from the name, else computed). */
  hash: string;
  /** Change cause, if one was given. */
  changeCause?: string;
  /** Who recorded it. */
  createdBy?: string;
  /** When it became current (RFC 3339). */
  recordedAt?: string;
  /** True when it was recorded after the fact from a live change made outside kubectl-grove. */
  unrecorded: boolean;
  /** Earlier numbers of the same template. */
  previousNumbers: number[];
  /** What was recorded under the earlier numbers (when, by whom, why), when known. */
  previousRecords?: PreviousRecord[];
  /** Mean placement score when recorded, if known. */
  placementScore?: number;
  /** How a progressive rollout to this template ended (`promoted <time>`, ...), if one did. */
  rolloutOutcome?: string;
  /** The stored template. */
  template?: PodCliqueSetTemplateSpec;
  /** resourceVersion of the ControllerRevision (for preconditions). */
  resourceVersion?: string;
  /** `operator` for a revision the Grove operator wrote (owned by the PodCliqueSet); absent for ours. */
  writtenBy?: "operator";
}

/** What an earlier number of a restored template recorded. */
export interface PreviousRecord {
  /** The earlier revision number. */
  revision: number;
  /** When it became current (RFC 3339). */
  recordedAt?: string;
  /** Who recorded it. */
  createdBy?: string;
  /** Its change cause. */
  changeCause?: string;
  /** It was recorded after the fact (a change made outside kubectl-grove). */
  unrecorded?: boolean;
}

function parsePreviousRecords(text: string | undefined): PreviousRecord[] | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text);
    if (!Array.isArray(v)) return undefined;
    return v.filter((x) => x && typeof x.revision === "number").map((x) => ({
      revision: x.revision,
      ...(typeof x.recordedAt === "string" ? { recordedAt: x.recordedAt } : {}),
      ...(typeof x.createdBy === "string" ? { createdBy: x.createdBy } : {}),
      ...(typeof x.changeCause === "string" ? { changeCause: x.changeCause } : {}),
      ...(x.unrecorded === true ? { unrecorded: true } : {}),
    }));
  } catch {
    return undefined; // written by hand or damaged: the history shows the numbers only
  }
}

/** Hash of a PodCliqueSet template (key order does not matter). */
export function templateHash(t: PodCliqueSetTemplateSpec | undefined): string {
  return stableHash(t ?? {});
}

/** Name of the revision of a template: `<pcs>-<hash>`. */
export function revisionName(pcs: string, hash: string): string {
  return `${pcs}-${hash}`;
}

/** What to record with a revision. */
export interface RecordMeta {
  /** Change cause (`-m`). */
  changeCause?: string;
  /** Who (`user@context`). */
  createdBy?: string;
  /** When. */
  now: Date;
  /** Mark as found live without a revision. */
  unrecorded?: boolean;
  /** Mean placement score at the time of the change. */
  placementScore?: number;
}

function annotationsOf(meta: RecordMeta): Record<string, string> {
  const a: Record<string, string> = { [RevisionAnnotations.recordedAt]: rfc3339(meta.now) };
  if (meta.changeCause) a[RevisionAnnotations.changeCause] = meta.changeCause;
  if (meta.createdBy) a[RevisionAnnotations.createdBy] = meta.createdBy;
  if (meta.unrecorded) a[RevisionAnnotations.unrecorded] = "true";
  if (meta.placementScore !== undefined && Number.isFinite(meta.placementScore)) {
    a[RevisionAnnotations.placementScore] = meta.placementScore.toFixed(3);
  }
  return a;
}

/**
 * Builds the ControllerRevision of a template.
 *
 * @example
 * ```ts
 * import { buildRevision } from "./revision.ts";
 * const pcs = { metadata: { name: "demo", namespace: "ns", uid: "u1" },
 *   spec: { replicas: 1, template: { cliques: [] } } };
 * const cr = buildRevision(pcs, pcs.spec.template, 1, { now: new Date(0), changeCause: "init" });
 * cr.metadata.name; // "demo-<hash>"
 * ```
 */
export function buildRevision(
  pcs: PodCliqueSet,
  template: PodCliqueSetTemplateSpec,
  revision: number,
  meta: RecordMeta,
): ControllerRevision {
  const name = pcs.metadata.name;
  const md: ControllerRevision["metadata"] = {
    name: revisionName(name, templateHash(template)),
    namespace: pcs.metadata.namespace,
    labels: { [RevisionLabels.managedBy]: MANAGED_BY_TOOL, [RevisionLabels.podCliqueSet]: name },
    annotations: annotationsOf(meta),
  };
  if (pcs.metadata.uid) {
    md.ownerReferences = [{
      apiVersion: pcs.apiVersion ?? "grove.io/v1alpha1",
      kind: "PodCliqueSet",
      name,
      uid: pcs.metadata.uid,
      controller: false,
      blockOwnerDeletion: false,
    }];
  }
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: md,
    data: { spec: { template } },
    revision,
  };
}

/** Reads a ControllerRevision into a {@link RevisionInfo}. */
export function readRevision(cr: ControllerRevision): RevisionInfo {
  const a = cr.metadata.annotations ?? {};
  // Ours hold `{ spec: { template } }`; accept a bare `{ template }` from other writers.
  const template = cr.data?.spec?.template ??
    (cr.data as { template?: PodCliqueSetTemplateSpec } | undefined)?.template;
  const pcs = cr.metadata.labels?.[RevisionLabels.podCliqueSet];
  const fromName = pcs && cr.metadata.name.startsWith(pcs + "-")
    ? cr.metadata.name.slice(pcs.length + 1)
    : undefined;
  const score = a[RevisionAnnotations.placementScore];
  return {
    revision: Number(cr.revision ?? 0),
    name: cr.metadata.name,
    hash: template ? templateHash(template) : (fromName ?? ""),
    changeCause: a[RevisionAnnotations.changeCause] || undefined,
    createdBy: a[RevisionAnnotations.createdBy] || undefined,
    recordedAt: a[RevisionAnnotations.recordedAt] ?? cr.metadata.creationTimestamp,
    unrecorded: a[RevisionAnnotations.unrecorded] === "true",
    previousNumbers: (a[RevisionAnnotations.revisionHistory] ?? "").split(",").filter((x) => x)
      .map(Number),
    placementScore: score !== undefined && score !== "" ? Number(score) : undefined,
    rolloutOutcome: a[RevisionAnnotations.rolloutOutcome] || undefined,
    previousRecords: parsePreviousRecords(a[RevisionAnnotations.previousRecords]),
    template,
    resourceVersion: cr.metadata.resourceVersion,
  };
}

/** One write of a recording plan. */
export type RevisionAction =
  | { op: "create"; object: ControllerRevision }
  | { op: "replace"; object: ControllerRevision }
  | { op: "delete"; name: string; resourceVersion?: string };

/** Options of {@link planRecording}. */
export interface PlanRecordingOptions {
  /** The PodCliqueSet as it was before the change (its template is the "live" one). */
  pcs: PodCliqueSet;
  /** The template before the change. */
  before: PodCliqueSetTemplateSpec;
  /** The template after the change. */
  after: PodCliqueSetTemplateSpec;
  /** How many revisions to keep (at least 2 are always kept: before and after). */
  limit: number;
  /** Metadata of the new revision. */
  meta: RecordMeta;
}

/**
 * Plans the writes that record a change: the `before` template when no
 * revision holds it (marked unrecorded), then the `after` template as the
 * newest revision (a new revision, or an existing one renumbered, like a
 * Deployment's undo), then deletions of the oldest revisions beyond the limit.
 *
 * @example
 * ```ts
 * import { planRecording } from "./revision.ts";
 * const pcs = { metadata: { name: "demo", namespace: "ns" }, spec: { template: { cliques: [] } } };
 * const plan = planRecording([], { pcs, before: { cliques: [] },
 *   after: { cliques: [], priorityClassName: "high" }, limit: 10, meta: { now: new Date(0) } });
 * plan.map((a) => a.op); // ["create", "create"]
 * ```
 */
export function planRecording(
  existing: ControllerRevision[],
  opts: PlanRecordingOptions,
): RevisionAction[] {
  const infos = existing.map((cr) => ({ cr, info: readRevision(cr) }));
  const byHash = new Map(infos.map((x) => [x.info.hash, x]));
  let max = Math.max(0, ...infos.map((x) => x.info.revision));
  const actions: RevisionAction[] = [];
  const beforeHash = templateHash(opts.before);
  const afterHash = templateHash(opts.after);
  const kept = new Map(infos.map((x) => [x.info.name, x.info.revision]));
  if (!byHash.has(beforeHash) && beforeHash !== afterHash) {
    max++;
    // our own earlier change whose revision could not be written: its cause is on the set
    const noted = readLastChange(opts.pcs.metadata.annotations);
    const cr = buildRevision(
      opts.pcs,
      opts.before,
      max,
      noted?.hash === beforeHash
        ? {
          now: noted.at ? new Date(noted.at) : opts.meta.now,
          changeCause: noted.cause ? `${noted.cause} (recorded late)` : "(recorded late)",
          createdBy: noted.by,
        }
        : {
          now: opts.meta.now,
          unrecorded: true,
          changeCause: "change made outside kubectl-grove (recorded later)",
        },
    );
    actions.push({ op: "create", object: cr });
    kept.set(cr.metadata.name, max);
  }
  const same = byHash.get(afterHash);
  if (same) {
    if (same.info.revision !== max || actions.length) {
      const cr = structuredClone(same.cr) as ControllerRevision;
      const prev = [...same.info.previousNumbers, same.info.revision];
      const o = same.info;
      const records: PreviousRecord[] = [...(o.previousRecords ?? []), {
        revision: o.revision,
        ...(o.recordedAt ? { recordedAt: o.recordedAt } : {}),
        ...(o.createdBy ? { createdBy: o.createdBy } : {}),
        ...(o.changeCause ? { changeCause: o.changeCause } : {}),
        ...(o.unrecorded ? { unrecorded: true } : {}),
      }];
      cr.revision = max + 1;
      cr.metadata.annotations = {
        ...annotationsOf(opts.meta),
        [RevisionAnnotations.revisionHistory]: prev.join(","),
        [RevisionAnnotations.previousRecords]: JSON.stringify(records),
      };
      actions.push({ op: "replace", object: cr });
      kept.set(cr.metadata.name, max + 1);
    }
  } else {
    const cr = buildRevision(opts.pcs, opts.after, max + 1, opts.meta);
    actions.push({ op: "create", object: cr });
    kept.set(cr.metadata.name, max + 1);
  }
  const limit = Math.max(2, opts.limit);
  const order = [...kept.entries()].sort((a, b) => a[1] - b[1]);
  const excess = order.length - limit;
  for (let i = 0; i < excess; i++) {
    const name = order[i][0];
    const ex = infos.find((x) => x.info.name === name);
    if (ex) actions.push({ op: "delete", name, resourceVersion: ex.info.resourceVersion });
    else {
      // a revision this very plan creates is never the oldest beyond the limit of 2
    }
  }
  return actions;
}
