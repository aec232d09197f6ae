/**
 * diag, step 1: every API call of a diagnostics bundle. Each collector runs
 * on its own; a failure (403 on logs, a missing CRD) is recorded and the
 * others go on. Requests: one list per kind, plus one log request per
 * operator container (two after a restart), plus one scrape per engine pod
 * with `--metrics`.
 *
 * @module
 */

import { ApiError, ConnectionError } from "../../lib/errors.ts";
import { pcsNotFound } from "../../lib/grove/list.ts";
import { LabelKeys, OPERATOR_APP_NAME } from "../../lib/grove/labels.ts";
import { podRestarts } from "../../lib/grove/relations.ts";
import type { Pod } from "../../lib/grove/types.ts";
import { apiVersionOf, type ResourceDescriptor, Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { podEndpoint } from "../../lib/metrics/engines.ts";

/** What to collect. */
export interface DiagOptions {
  /** Namespace of the workload (ignored with allNamespaces). */
  namespace: string;
  /** All namespaces. */
  allNamespaces?: boolean;
  /** Only this PodCliqueSet (and its cliques, gangs, pods). */
  pcs?: string;
  /** Namespace of the grove-operator pods. */
  operatorNamespace: string;
  /** Events newer than this many milliseconds. */
  sinceMs: number;
  /** Events in summary.md: `warning` (default) or `all` (Normal ones too, after the Warnings). */
  events?: "warning" | "all";
  /** Lines of operator log per container. */
  logLines?: number;
  /** Scrape each engine pod's metrics once. */
  metrics?: boolean;
  /** Progress callback: step number, total, what. */
  progress?: (step: number, total: number, what: string) => void;
}

/** The outcome of one collector. */
export interface CollectorResult {
  /** Collector name, e.g. `pods`, `logs grove-system/grove-operator-x/manager`. */
  name: string;
  /** True when it succeeded. */
  ok: boolean;
  /** Objects or files it produced. */
  count: number;
  /** The error message when it failed. */
  error?: string;
}

/** A container log taken from a pod. */
export interface CollectedLog {
  /** Pod namespace. */
  namespace: string;
  /** Pod name. */
  pod: string;
  /** Container name. */
  container: string;
  /** The previous (restarted) container's log. */
  previous: boolean;
  /** The log text. */
  text: string;
}

/** One metrics scrape. */
export interface CollectedScrape {
  /** Pod namespace. */
  namespace: string;
  /** Pod name. */
  pod: string;
  /** Port scraped. */
  port: number;
  /** HTTP path scraped. */
  path: string;
  /** The exposition text. */
  text: string;
}

/** Everything diag gathered, before redaction. */
export interface DiagCollection {
  /** Objects by resource plural (`pods`, `podcliquesets`, ...). */
  objects: Record<string, KubeObject[]>;
  /** Operator logs. */
  logs: CollectedLog[];
  /** Metrics scrapes (with `--metrics`). */
  scrapes: CollectedScrape[];
  /** What each collector did. */
  collectors: CollectorResult[];
  /** Set when listing a Grove kind was forbidden: what was refused. */
  groveForbidden?: string;
  /** False when the Grove API groups are not served (CRDs missing). */
  groveInstalled: boolean;
}

function describe(e: unknown): string {
  if (e instanceof ApiError) return `${e.details.status} ${e.details.reason}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Runs every collector; never throws for an API failure. */
export async function collectDiag(kube: Kube, opts: DiagOptions): Promise<DiagCollection> {
  const out: DiagCollection = {
    objects: {},
    logs: [],
    scrapes: [],
    collectors: [],
    groveInstalled: true,
  };
  const ns = opts.allNamespaces ? undefined : opts.namespace;
  const sel = opts.pcs ? `${LabelKeys.partOf}=${opts.pcs}` : undefined;
  const total = 4 + (opts.metrics ? 1 : 0);
  let step = 0;
  const progress = (what: string) => opts.progress?.(++step, total, what);

  async function list(
    key: string,
    r: ResourceDescriptor,
    o: { labelSelector?: string; fieldSelector?: string; namespace?: string } = {},
  ) {
    try {
      const res = await kube.list(r, { namespace: r.namespaced ? o.namespace : undefined, ...o });
      out.objects[key] = [
        ...(out.objects[key] ?? []),
        ...res.items.map((i) => ({ apiVersion: apiVersionOf(r), kind: r.kind, ...i })),
      ];
      out.collectors.push({ name: key, ok: true, count: res.items.length });
    } catch (e) {
      out.collectors.push({ name: key, ok: false, count: 0, error: describe(e) });
      failures.push(e);
      if (e instanceof ApiError && e.status === 404 && r.group.endsWith("grove.io")) {
        out.groveInstalled = false;
      }
      if (e instanceof ApiError && e.status === 403 && r.group.endsWith("grove.io")) {
        out.groveForbidden ??= `forbidden to list ${e.details.resource}${
          e.details.namespace ? ` in namespace "${e.details.namespace}"` : ""
        }`;
      }
    }
  }
  const failures: unknown[] = [];

  progress("Grove resources, pods, nodes, events");
  await Promise.all([
    list("podcliquesets", Resources.podcliquesets, {
      namespace: ns,
      fieldSelector: opts.pcs ? `metadata.name=${opts.pcs}` : undefined,
    }),
    list("podcliques", Resources.podcliques, { namespace: ns, labelSelector: sel }),
    list("podcliquescalinggroups", Resources.podcliquescalinggroups, {
      namespace: ns,
      labelSelector: sel,
    }),
    list("podgangs", Resources.podgangs, { namespace: ns, labelSelector: sel }),
    list("clustertopologybindings", Resources.clustertopologybindings),
    list("pods", Resources.pods, { namespace: ns, labelSelector: sel }),
    list("nodes", Resources.nodes),
    // every running pod of the cluster, for GPU accounting per node (topology, replay);
    // with -A and no PodCliqueSet the pods list above already holds them all
    ...(opts.allNamespaces && !opts.pcs ? [] : [
      list("nodePods", Resources.pods, {
        fieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
      }),
    ]),
    list("events", Resources.events, { namespace: ns }),
  ]);
  // A bundle is only worth writing when the cluster answered: rejected credentials or an
  // unreachable server stop here, before anything is written (a bundle that says "Grove API:
  // served, no problems" about a cluster it never saw would mislead the person it is sent to).
  const fatal = failures.find((e) =>
    e instanceof ConnectionError || (e instanceof ApiError && e.status === 401)
  );
  if (fatal) throw fatal;
  if (opts.pcs && out.groveInstalled && !out.groveForbidden) {
    const listed = out.collectors.find((c) => c.name === "podcliquesets");
    if (listed?.ok && !(out.objects.podcliquesets ?? []).length) {
      throw await pcsNotFound(kube, opts.pcs, opts.allNamespaces ? undefined : opts.namespace);
    }
  }
  // Pods outside the scope are kept only as far as GPU accounting needs them.
  const scoped = new Set(
    (out.objects.pods ?? []).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
  );
  for (const p of out.objects.nodePods ?? []) {
    if (scoped.has(`${p.metadata.namespace}/${p.metadata.name}`)) continue;
    if (!opts.pcs && (opts.allNamespaces || p.metadata.namespace === opts.namespace)) continue;
    (out.objects.otherPods ??= []).push(minimalPod(p));
  }
  delete out.objects.nodePods;
  // The legacy ClusterTopology only matters when the binding is absent.
  if (!out.objects.clustertopologybindings?.length) {
    await list("clustertopologies", Resources.clustertopologies);
    const legacy = out.collectors.find((c) => c.name === "clustertopologies");
    if (legacy && !legacy.ok && /404/.test(legacy.error ?? "")) {
      out.collectors.splice(out.collectors.indexOf(legacy), 1);
    }
  }
  // Events: only the recent ones, and for -n only what concerns this workload's objects is kept too.
  const now = Date.now();
  out.objects.events = (out.objects.events ?? []).filter((e) => {
    const t = Date.parse(
      e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "",
    );
    return Number.isNaN(t) || now - t <= opts.sinceMs;
  });
  const eventsCollector = out.collectors.find((c) => c.name === "events" && c.ok);
  // what the bundle holds: the events of the --since window
  if (eventsCollector) eventsCollector.count = out.objects.events.length;

  progress(`grove-operator pods in ${opts.operatorNamespace}`);
  let operatorPods: Pod[] = [];
  try {
    const res = await kube.list<Pod>(Resources.pods, {
      namespace: opts.operatorNamespace,
      labelSelector: `${LabelKeys.appName}=${OPERATOR_APP_NAME}`,
    });
    operatorPods = res.items;
    out.collectors.push({ name: "operator pods", ok: true, count: res.items.length });
    const known = new Set(
      (out.objects.pods ?? []).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    for (const p of operatorPods) {
      if (!known.has(`${p.metadata.namespace}/${p.metadata.name}`)) {
        (out.objects.pods ??= []).push({ apiVersion: "v1", kind: "Pod", ...p });
      }
    }
    // now in full among the pods: not a second time, reduced, among the others
    const operatorKeys = new Set(
      operatorPods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    if (out.objects.otherPods) {
      out.objects.otherPods = out.objects.otherPods.filter((p) =>
        !operatorKeys.has(`${p.metadata.namespace}/${p.metadata.name}`)
      );
    }
    if (!operatorPods.length) {
      out.collectors.push({
        name: "operator logs",
        ok: false,
        count: 0,
        error:
          `no pod labelled ${LabelKeys.appName}=${OPERATOR_APP_NAME} in namespace "${opts.operatorNamespace}" (set defaults.operator_namespace if the operator runs elsewhere)`,
      });
    }
  } catch (e) {
    out.collectors.push({ name: "operator pods", ok: false, count: 0, error: describe(e) });
  }

  progress("operator logs");
  await Promise.all(operatorPods.flatMap((p) =>
    (p.spec?.containers ?? []).flatMap((c) => {
      const restarted = (p.status?.containerStatuses ?? []).some((s) =>
        s.name === c.name && (s.restartCount ?? 0) > 0
      ) ||
        (podRestarts(p) > 0 && (p.spec?.containers?.length ?? 0) === 1);
      return [false, ...(restarted ? [true] : [])].map(async (previous) => {
        const name = `logs ${p.metadata.namespace}/${p.metadata.name}/${c.name}${
          previous ? " (previous)" : ""
        }`;
        try {
          const text = await kube.logs(p.metadata.namespace!, p.metadata.name, {
            container: c.name,
            tailLines: opts.logLines ?? 2000,
            previous,
          });
          out.logs.push({
            namespace: p.metadata.namespace!,
            pod: p.metadata.name,
            container: c.name,
            previous,
            text,
          });
          out.collectors.push({
            name,
            ok: true,
            count: text ? text.split("\n").filter(Boolean).length : 0,
          });
        } catch (e) {
          out.collectors.push({ name, ok: false, count: 0, error: describe(e) });
        }
      });
    })
  ));

  if (opts.metrics) {
    progress("engine metrics");
    const targets = (out.objects.pods ?? [])
      .filter((p) => p.metadata.labels?.[LabelKeys.partOf] && p.status?.phase === "Running")
      .map((p) => ({ pod: p, ep: podEndpoint(p as never) }))
      .filter((t) => t.ep);
    const queue = [...targets];
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const { pod, ep } = t;
        try {
          const text = await kube.proxyGet(
            pod.metadata.namespace!,
            pod.metadata.name,
            ep!.port,
            ep!.path,
            { timeoutMs: 5000 },
          );
          out.scrapes.push({
            namespace: pod.metadata.namespace!,
            pod: pod.metadata.name,
            port: ep!.port,
            path: ep!.path,
            text,
          });
        } catch (e) {
          out.collectors.push({
            name: `metrics ${pod.metadata.namespace}/${pod.metadata.name}`,
            ok: false,
            count: 0,
            error: describe(e),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
    out.collectors.push({ name: "metrics", ok: true, count: out.scrapes.length });
  }
  progress("done");
  return out;
}

/** What GPU accounting needs of a pod that is not ours: where it runs and what it requests. */
function minimalPod(p: KubeObject): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: p.metadata.name,
      namespace: p.metadata.namespace,
      uid: p.metadata.uid,
      creationTimestamp: p.metadata.creationTimestamp,
      labels: p.metadata.labels,
    },
    spec: {
      nodeName: p.spec?.nodeName,
      containers: (p.spec?.containers ?? []).map((
        c: { name: string; image?: string; resources?: unknown },
      ) => ({
        name: c.name,
        image: c.image,
        resources: c.resources,
      })),
      initContainers: (p.spec?.initContainers ?? []).map((
        c: { name: string; image?: string; resources?: unknown; restartPolicy?: string },
      ) => ({
        name: c.name,
        image: c.image,
        resources: c.resources,
        restartPolicy: c.restartPolicy,
      })),
    },
    status: { phase: p.status?.phase, conditions: p.status?.conditions },
  };
}
