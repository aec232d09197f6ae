/**
 * The TUI's one data source: one list + watch per kind (through
 * `lib/watch`), shared by every view. Kinds the user may not read (nodes,
 * events, revisions, topology objects) are dropped with a note instead of
 * failing the screen. When a watch gives up, the source says the data is
 * stale, waits, and lists + watches again.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import { LabelKeys, MANAGED_BY_GROVE } from "../../lib/grove/labels.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { NODE_FIELDS, OBJECT_FIELDS, POD_FIELDS } from "../../lib/kube/fields.ts";
import type { Kube, KubeObject, ListOptions, RequestRecord } from "../../lib/kube/types.ts";
import { MANAGED_BY_TOOL, RevisionLabels } from "../../lib/revisions/keys.ts";
import { listWatch, type WatchTarget } from "../../lib/watch/list_watch.ts";
import { listOptional } from "../../lib/grove/list.ts";
import { sleep } from "../../lib/async.ts";

/** Where the TUI looks. */
export interface TuiScope {
  /** Namespace; undefined with `-A`. */
  namespace?: string;
  /** Every namespace (`-A`). */
  allNamespaces: boolean;
}

/** Keys of the watched kinds. */
export type TuiKind =
  | "podcliquesets"
  | "podcliques"
  | "podcliquescalinggroups"
  | "podgangs"
  | "pods"
  | "events"
  | "nodes"
  | "clustertopologybindings"
  | "clustertopologies"
  | "controllerrevisions"
  | "resourceclaims"
  | "resourceslices";

/** The objects of every watched kind at one moment. */
export interface TuiSnapshot {
  /** Every object, all kinds together (each with `kind` set). */
  objects: KubeObject[];
  /** Objects per kind. */
  byKind: Partial<Record<TuiKind, KubeObject[]>>;
  /** 0 for the first, then increasing (also across reconnects). */
  sequence: number;
  /** When it arrived (epoch ms). */
  receivedAt: number;
  /** Kinds that could not be read, in words. */
  missing: string[];
}

/** What the source yields: a new snapshot, or word that the data went stale. */
export type SourceEvent =
  | { type: "snapshot"; snapshot: TuiSnapshot }
  | { type: "stale"; since: number; reason: string; retryInMs: number };

/** Options of {@link watchTuiObjects}. */
export interface WatchTuiOptions {
  /** Stops everything. */
  signal?: AbortSignal;
  /** Quiet time after a change before a snapshot, ms (default 150). */
  debounceMs?: number;
  /** First wait before listing again after a failure, ms (default 1000; doubles up to 30 s). */
  retryMs?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

const GROVE_SELECTOR = `${LabelKeys.managedBy}=${MANAGED_BY_GROVE}`;
const REVISION_SELECTOR = `${RevisionLabels.managedBy}=${MANAGED_BY_TOOL}`;

interface Spec {
  key: TuiKind;
  options: ListOptions;
  /** Not readable is a note, not an error. */
  optional?: string;
}

/** The list (and watch) of each kind for a scope. Pods are listed cluster-wide for GPU use. */
export function tuiListSpecs(scope: TuiScope): { key: TuiKind; options: ListOptions }[] {
  return specs(scope).map(({ key, options }) => ({ key, options }));
}

function specs(scope: TuiScope): Spec[] {
  // each item cut down to what the views read, as it arrives (lib/kube/fields.ts)
  return rawSpecs(scope).map((s) => ({
    ...s,
    options: {
      ...s.options,
      fields: s.key === "pods" ? POD_FIELDS : s.key === "nodes" ? NODE_FIELDS : OBJECT_FIELDS,
    },
  }));
}

function rawSpecs(scope: TuiScope): Spec[] {
  const ns = scope.allNamespaces ? undefined : scope.namespace;
  return [
    { key: "podcliquesets", options: { namespace: ns } },
    { key: "podcliques", options: { namespace: ns, labelSelector: GROVE_SELECTOR } },
    { key: "podcliquescalinggroups", options: { namespace: ns, labelSelector: GROVE_SELECTOR } },
    { key: "podgangs", options: { namespace: ns, labelSelector: GROVE_SELECTOR } },
    { key: "pods", options: {} },
    {
      key: "events",
      options: { namespace: ns, fieldSelector: "type=Warning" },
      optional: "events (health shows no scheduling failures)",
    },
    { key: "nodes", options: {}, optional: "nodes (topology shows no GPU capacity)" },
    {
      key: "clustertopologybindings",
      options: {},
      optional: "clustertopologybindings (topology levels inferred from node labels)",
    },
    { key: "clustertopologies", options: {}, optional: "" },
    {
      key: "controllerrevisions",
      options: { namespace: ns, labelSelector: REVISION_SELECTOR },
      optional: "controllerrevisions (rollouts show no revision numbers)",
    },
    // DRA (Kubernetes 1.34+): GPUs allocated through claims; absent on older clusters.
    { key: "resourceclaims", options: {}, optional: "" },
    { key: "resourceslices", options: {}, optional: "" },
  ];
}

/** One round: lists every kind (optional ones may fail), then yields snapshots until a watch fails. */
async function* oneRound(
  kube: Kube,
  scope: TuiScope,
  opts: WatchTuiOptions,
  seq: { n: number },
): AsyncGenerator<TuiSnapshot> {
  const now = opts.now ?? Date.now;
  const all = specs(scope);
  const listed = await Promise.all(all.map(async (s) => {
    if (s.key === "pods") {
      const cluster = await listOptional(kube, Resources.pods, { fields: POD_FIELDS });
      if (!cluster.failure) return { spec: s, list: cluster };
      if (!scope.namespace || scope.allNamespaces) throw cluster.error;
      const options = { namespace: scope.namespace, fields: POD_FIELDS };
      return {
        spec: { ...s, options },
        list: await kube.list(Resources.pods, options),
        note: "pods of other namespaces (GPUs they use are not counted)",
      };
    }
    const list = await listOptional(kube, Resources[s.key], s.options);
    if (s.key === "podcliquesets" && list.failure === "absent") {
      throw new GroveError("the API server does not serve podcliquesets.grove.io", {
        hint: "is the Grove operator installed? (kubectl get crd podcliquesets.grove.io)",
      });
    }
    if (list.failure && s.optional === undefined) throw list.error;
    return { spec: s, list };
  }));
  const missing: string[] = [];
  const targets: WatchTarget<TuiKind>[] = [];
  const initial: Partial<Record<TuiKind, { items: KubeObject[]; resourceVersion: string }>> = {};
  for (
    const { spec, list, note } of listed as {
      spec: Spec;
      list: { items: KubeObject[]; resourceVersion: string; failure?: string };
      note?: string;
    }[]
  ) {
    if (note) missing.push(note);
    if (list.failure) {
      if (spec.optional && list.failure === "forbidden") {
        missing.push(`${spec.optional}: forbidden`);
      }
      continue;
    }
    targets.push({ key: spec.key, resource: Resources[spec.key], options: spec.options });
    initial[spec.key] = { items: list.items, resourceVersion: list.resourceVersion };
  }
  for await (
    const snap of listWatch<TuiKind>(kube, targets, {
      signal: opts.signal,
      debounceMs: opts.debounceMs,
      initial,
    })
  ) {
    const objects: KubeObject[] = [];
    for (const t of targets) for (const o of snap.objects[t.key]) objects.push(o);
    yield {
      objects,
      byKind: snap.objects,
      sequence: seq.n++,
      receivedAt: now(),
      missing,
    };
  }
}

/**
 * Yields a snapshot of every watched kind now and after each burst of
 * changes. The first listing's errors are thrown (no Grove, forbidden,
 * unreachable: the CLI reports them before the screen opens); later
 * failures (whatever they are: the screen stays open and says why) yield a
 * `stale` event and the source lists and watches again after a growing pause.
 *
 * @example
 * ```ts ignore
 * import { watchTuiObjects } from "./source.ts";
 * for await (const ev of watchTuiObjects(kube, { namespace: "inference", allNamespaces: false })) {
 *   if (ev.type === "snapshot") console.log(ev.snapshot.objects.length);
 * }
 * ```
 */
export async function* watchTuiObjects(
  kube: Kube,
  scope: TuiScope,
  opts: WatchTuiOptions = {},
): AsyncGenerator<SourceEvent> {
  const now = opts.now ?? Date.now;
  const seq = { n: 0 };
  let failures = 0;
  while (!opts.signal?.aborted) {
    try {
      for await (const snapshot of oneRound(kube, scope, opts, seq)) {
        failures = 0;
        yield { type: "snapshot", snapshot };
      }
      return; // aborted
    } catch (e) {
      if (opts.signal?.aborted) return;
      if (seq.n === 0) throw e;
      const retryInMs = Math.min(30_000, (opts.retryMs ?? 1000) * 2 ** failures++);
      yield { type: "stale", since: now(), reason: reasonOf(e), retryInMs };
      await sleep(retryInMs, opts.signal);
    }
  }
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/**
 * Whether a watch stream is down, from the client's request records: for
 * each watched path, the latest watch request must have been answered 200.
 * A failed reconnect (no answer, or an error status) names that resource.
 * Pure; the caller passes the recent records (`kube.requests`).
 *
 * @example
 * ```ts
 * import { watchTrouble } from "./source.ts";
 * watchTrouble([
 *   { method: "GET", path: "/api/v1/pods?watch=1", status: 200, ms: 3 },
 *   { method: "GET", path: "/api/v1/pods?watch=1&resourceVersion=9", status: 0, ms: 1 },
 * ]); // "watch of pods reconnecting (no answer)"
 * ```
 */
export function watchTrouble(
  records: readonly RequestRecord[],
): string | undefined {
  const last = new Map<string, number>();
  for (const r of records) {
    const [base, query = ""] = r.path.split("?");
    if (r.method !== "GET" || !/(^|&)watch=(1|true)(&|$)/.test(query)) continue;
    last.set(base, r.status);
  }
  for (const [base, status] of last) {
    if (status === 200) continue;
    const resource = base.split("/").filter((p) => p && !/^(api|apis|v\d.*|namespaces)$/.test(p))
      .pop() ?? base;
    return `watch of ${resource} reconnecting (${status === 0 ? "no answer" : `HTTP ${status}`})`;
  }
  return undefined;
}
