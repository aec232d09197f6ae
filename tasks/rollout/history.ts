/**
 * `rollout history` and `rollout diff`: the revisions of a PodCliqueSet with
 * what each changed, the live template's place among them, and unified YAML
 * diffs against the live template.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import type { PodCliqueSet, PodCliqueSetTemplateSpec } from "../../lib/grove/types.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { yamlDiff } from "../../lib/revisions/diff.ts";
import { type RevisionInfo, templateHash } from "../../lib/revisions/revision.ts";
import { listRevisions } from "../../lib/revisions/store.ts";
import { readLastChange } from "../../lib/revisions/keys.ts";
import { summaryChanges, templateImages } from "../../lib/revisions/summary.ts";
import { getPcs } from "../../lib/change/pcs.ts";

/** One row of the history. */
export interface HistoryEntry {
  /** Revision number; null for the live template when no revision holds it. */
  revision: number | null;
  /** ControllerRevision name. */
  name?: string;
  /** Template hash. */
  hash: string;
  /** True for the template that is live now. */
  current: boolean;
  /** True when recorded after the fact (or, for revision null, not recorded at all). */
  unrecorded: boolean;
  /** Change cause. */
  changeCause?: string;
  /** Who made the change. */
  createdBy?: string;
  /** When it became current. */
  recordedAt?: string;
  /** Images of the template. */
  images: string[];
  /** What changed against the entry before it (image, replicas, GPUs per pod). */
  changes: string[];
  /** Earlier numbers of this template (after undo). */
  previousNumbers: number[];
  /** For an earlier number of a restored template: the number it carries now. */
  restoredAs?: number;
  /** How a progressive rollout to this template ended (`promoted <time>`, `aborted <time>: why`). */
  rolloutOutcome?: string;
}

/** `kind: RolloutHistory`. */
export interface HistoryReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "RolloutHistory";
  /** PodCliqueSet. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Revision number of the live template, null when unrecorded. */
  currentRevision: number | null;
  /** True when the live template matches no revision (changed outside kubectl-grove). */
  liveUnrecorded: boolean;
  /** Who keeps the revisions: the Grove operator (its own ControllerRevisions) or kubectl-grove. */
  revisionsBy: "operator" | "kubectl-grove";
  /** The operator's `status.currentRevision`, when it writes one. */
  statusCurrentRevision?: string;
  /** Oldest first. */
  entries: HistoryEntry[];
}

/**
 * Builds the history report from the PodCliqueSet and its revisions (pure).
 *
 * @example
 * ```ts
 * import { buildHistoryReport } from "./history.ts";
 * const pcs = { metadata: { name: "d", namespace: "ns" }, spec: { template: { cliques: [] } } };
 * buildHistoryReport(pcs, []).liveUnrecorded; // true
 * ```
 */
export function buildHistoryReport(pcs: PodCliqueSet, revisions: RevisionInfo[]): HistoryReport {
  const live = templateHash(pcs.spec?.template);
  const byOperator = revisions.length > 0 && revisions.every((r) => r.writtenBy === "operator");
  const statusCurrent = (pcs.status as { currentRevision?: string } | undefined)?.currentRevision;
  // The operator's status.currentRevision names the current revision; else the live template's hash.
  const named = byOperator && statusCurrent
    ? revisions.find((r) => r.name === statusCurrent)
    : undefined;
  const isCurrent = (r: RevisionInfo) => named ? r === named : r.hash === live;
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  const entries: HistoryEntry[] = [];
  let prev: PodCliqueSetTemplateSpec | undefined;
  // Earlier numbers of a restored template stay in the history as rows of their own.
  const rows: { r: RevisionInfo; n: number; restoredAs?: number }[] = [];
  for (const r of sorted) {
    rows.push({ r, n: r.revision });
    for (const n of r.previousNumbers) rows.push({ r, n, restoredAs: r.revision });
  }
  rows.sort((a, b) => a.n - b.n);
  for (const { r, n, restoredAs } of rows) {
    if (restoredAs !== undefined) {
      // what was recorded under the earlier number, when the restore kept it
      const rec = r.previousRecords?.find((x) => x.revision === n);
      entries.push({
        revision: n,
        name: r.name,
        hash: r.hash,
        current: false,
        unrecorded: rec?.unrecorded === true,
        changeCause: rec?.changeCause
          ? `${rec.changeCause} (restored as revision ${restoredAs})`
          : `restored as revision ${restoredAs}`,
        ...(rec?.createdBy ? { createdBy: rec.createdBy } : {}),
        ...(rec?.recordedAt ? { recordedAt: rec.recordedAt } : {}),
        images: templateImages(r.template),
        changes: prev ? summaryChanges(prev, r.template) : [],
        previousNumbers: [],
        restoredAs,
      });
      prev = r.template;
      continue;
    }
    entries.push({
      revision: r.revision,
      name: r.name,
      hash: r.hash,
      current: isCurrent(r),
      unrecorded: r.unrecorded,
      changeCause: r.changeCause,
      createdBy: r.createdBy,
      recordedAt: r.recordedAt,
      images: templateImages(r.template),
      changes: prev ? summaryChanges(prev, r.template) : [],
      previousNumbers: r.previousNumbers,
      rolloutOutcome: r.rolloutOutcome,
    });
    prev = r.template;
  }
  const current = sorted.find(isCurrent);
  if (!current) {
    // our own change whose revision could not be written carries its cause on the set
    const noted = readLastChange(pcs.metadata.annotations);
    const ours = noted?.hash === live ? noted : undefined;
    entries.push({
      revision: null,
      hash: live,
      current: true,
      unrecorded: true,
      changeCause: byOperator
        ? "live template not in the operator's revisions yet"
        : ours
        ? `${
          ours.cause ?? "changed by kubectl-grove"
        } (its revision could not be recorded yet; recorded on the next change)`
        : sorted.length
        ? "live template changed outside kubectl-grove (recorded on the next change)"
        : "live template (no revision recorded yet)",
      createdBy: ours?.by,
      recordedAt: ours?.at,
      images: templateImages(pcs.spec?.template),
      changes: prev ? summaryChanges(prev, pcs.spec?.template) : [],
      previousNumbers: [],
    });
  }
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "RolloutHistory",
    name: pcs.metadata.name,
    namespace: pcs.metadata.namespace ?? "",
    currentRevision: current?.revision ?? null,
    liveUnrecorded: !current,
    revisionsBy: byOperator ? "operator" : "kubectl-grove",
    ...(byOperator && statusCurrent ? { statusCurrentRevision: statusCurrent } : {}),
    entries,
  };
}

/** Options of {@link rolloutHistory}. */
export interface RolloutHistoryOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
}

/**
 * The revision history of a PodCliqueSet (two requests: the set and its revisions).
 *
 * @example
 * ```ts ignore
 * import { connect, rolloutHistory } from "./mod.ts";
 * const kube = await connect();
 * const h = await rolloutHistory(kube, { name: "qwen", namespace: "inference" });
 * for (const e of h.entries) console.log(e.revision, e.changeCause, e.changes.join("; "));
 * ```
 */
export async function rolloutHistory(
  kube: Kube,
  opts: RolloutHistoryOptions,
): Promise<HistoryReport & { revisions: RevisionInfo[]; pcs: PodCliqueSet }> {
  const ns = opts.namespace ?? kube.namespace;
  const [pcs, revs] = await Promise.all([
    getPcs(kube, ns, opts.name),
    listRevisions(kube, ns, opts.name),
  ]);
  return { ...buildHistoryReport(pcs, revs.revisions), revisions: revs.revisions, pcs };
}

/** The revision numbered `n`, or a clear error listing the ones that exist. */
export function findRevision(
  revisions: RevisionInfo[],
  n: number,
  pcs: string,
): RevisionInfo {
  const r = revisions.find((x) => x.revision === n) ??
    revisions.find((x) => x.previousNumbers.includes(n));
  if (!r) {
    throw new GroveError(`revision ${n} of podcliqueset "${pcs}" not found`, {
      hint: revisions.length
        ? `revisions: ${
          revisions.map((x) => x.revision).join(", ")
        } (see kubectl grove rollout history ${pcs})`
        : `no revisions are recorded yet; they are written by kubectl grove update/apply/undo`,
    });
  }
  return r;
}

/** Options of {@link rolloutDiff}. */
export interface RolloutDiffOptions extends RolloutHistoryOptions {
  /** Revision to compare with the live template. */
  revision: number;
  /** Compare with this revision instead of the live template. */
  against?: number;
}

/** `kind: RolloutDiff`. */
export interface DiffReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "RolloutDiff";
  /** PodCliqueSet. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** The revision compared. */
  revision: number;
  /** The revision compared against, or null for the live template. */
  against: number | null;
  /** Revision of the live template, null when unrecorded. */
  currentRevision: number | null;
  /** Image/replica/GPU changes from the revision to live. */
  changes: string[];
  /** Unified YAML diff, revision -> live ("" when equal). */
  diff: string;
}

/**
 * A unified YAML diff from a revision to the live template.
 *
 * @example
 * ```ts ignore
 * import { connect, rolloutDiff } from "./mod.ts";
 * const d = await rolloutDiff(await connect(), { name: "qwen", revision: 2 });
 * console.log(d.diff || "identical");
 * ```
 */
export async function rolloutDiff(kube: Kube, opts: RolloutDiffOptions): Promise<DiffReport> {
  const h = await rolloutHistory(kube, opts);
  const r = findRevision(h.revisions, opts.revision, opts.name);
  const other = opts.against === undefined
    ? undefined
    : findRevision(h.revisions, opts.against, opts.name);
  const target = other ? other.template : h.pcs.spec?.template;
  const targetLabel = other
    ? `revision ${other.revision}`
    : h.currentRevision === null
    ? "live (unrecorded)"
    : `live (revision ${h.currentRevision})`;
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "RolloutDiff",
    name: h.name,
    namespace: h.namespace,
    revision: r.revision,
    against: other?.revision ?? null,
    currentRevision: h.currentRevision,
    changes: summaryChanges(r.template, target),
    diff: await yamlDiff(
      r.template,
      target,
      `revision ${r.revision}`,
      targetLabel,
    ),
  };
}
