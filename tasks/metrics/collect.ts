/**
 * All I/O of `metrics` and `compare`: list the PodCliqueSet's pods and
 * cliques (one list per kind), read the stored plan, then scrape every engine
 * pod twice `window` apart through the API server's pod proxy (or the pod IP
 * with `direct`), with bounded concurrency and a per-pod timeout. Failures
 * become notes on the pod; the rest of the result stands.
 *
 * Only small per-pod snapshots are kept (see lib/metrics/snapshot.ts), so
 * memory is bounded by the number of pods, not by scrape size or history.
 *
 * @module
 */

import { groveMissing } from "../../lib/grove/list.ts";
import { ApiError, GroveError, isApiStatus, isNotServed } from "../../lib/errors.ts";
import { partOfSelector } from "../../lib/grove/labels.ts";
import type { Node, Pod, PodClique, PodGang } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { detectEngineFromScrape, type EngineKind, ENGINES } from "../../lib/metrics/engines.ts";
import { mergePidSeries, parsePrometheusText } from "../../lib/metrics/prom_parser.ts";
import { type EngineSnapshot, snapshotOf } from "../../lib/metrics/snapshot.ts";
import { mapLimit } from "./pool.ts";
import { planConfigMapName } from "./plan.ts";
import { type PodTarget, podTargets } from "./targets.ts";
import { sleep as abortableSleep } from "../../lib/async.ts";

/** Options of {@link collectMetrics}. */
export interface CollectMetricsOptions {
  /** PodCliqueSet name. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Time between the two scrapes, ms (0: one scrape, lifetime values). */
  windowMs: number;
  /** Scrape pod IPs directly instead of through the API server's pod proxy. */
  direct?: boolean;
  /** Scrapes in flight at once (default 16). */
  concurrency?: number;
  /** Timeout of one scrape, ms (default 5000). */
  timeoutMs?: number;
  /** Port for pods whose spec names no metrics port (config `metrics.port`). */
  fallbackPort?: number;
  /** Also list PodGangs and Nodes (for `compare`). */
  placement?: boolean;
  /** Stops waiting and scraping. */
  signal?: AbortSignal;
  /** Clock, epoch ms (tests). */
  clock?: () => number;
  /** Sleep (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Progress lines for stderr. */
  progress?: (line: string) => void;
}

/** One scrape of one pod. */
export interface ScrapeOutcome {
  /** Pod name. */
  pod: string;
  /** Engine found (from the scrape, else from the pod spec). */
  engine?: EngineKind;
  /** Normalised values; absent when the scrape failed or the engine is unknown. */
  snapshot?: EngineSnapshot;
  /** Why the scrape failed. */
  error?: string;
  /** Problems that did not stop it (parse notes, histograms without buckets). */
  notes: string[];
  /** How long the scrape took, ms. */
  ms: number;
}

/** What {@link collectMetrics} returns: plain objects for the pure report. */
export interface MetricsCollected {
  /** PodCliqueSet name. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** How pods were scraped. */
  source: "proxy" | "direct";
  /** Pods of the PodCliqueSet. */
  pods: Pod[];
  /** PodCliques of the PodCliqueSet. */
  cliques: PodClique[];
  /** The scrape targets derived from pods and cliques. */
  targets: PodTarget[];
  /** The plan ConfigMap, when one exists. */
  planConfigMap?: KubeObject;
  /** Why the plan could not be read (e.g. forbidden). */
  planNote?: string;
  /** PodGangs (with `placement`). */
  podGangs?: PodGang[];
  /** Nodes hosting the pods (with `placement`). */
  nodes?: Node[];
  /** First scrape per pod (absent with a zero window). */
  first: Record<string, ScrapeOutcome>;
  /** Second (latest) scrape per pod. */
  second: Record<string, ScrapeOutcome>;
  /** When the second scrape round started, epoch ms. */
  scrapedAtMs: number;
  /** Total wall time of the scrape rounds, ms. */
  scrapeMs: number;
}

/**
 * Lists the PodCliqueSet's objects. Throws a {@link GroveError} when the PCS
 * does not exist.
 */
export async function listObjects(
  kube: Kube,
  opts: Pick<CollectMetricsOptions, "pcs" | "namespace" | "placement" | "fallbackPort">,
): Promise<
  Pick<
    MetricsCollected,
    "pods" | "cliques" | "targets" | "planConfigMap" | "planNote" | "podGangs" | "nodes"
  >
> {
  const { pcs, namespace } = opts;
  const sel = { namespace, labelSelector: partOfSelector(pcs) };
  const pcsGet = kube.get(Resources.podcliquesets, pcs, namespace).catch((e) => {
    if (isNotServed(e)) throw groveMissing(kube, Resources.podcliquesets, e);
    if (isApiStatus(e, 404)) {
      throw new GroveError(`podcliqueset "${pcs}" not found in namespace "${namespace}"`, {
        hint: `list them with: kubectl get pcs -n ${namespace}`,
      });
    }
    throw e;
  });
  const plan = kube.get(Resources.configmaps, planConfigMapName(pcs), namespace).then(
    (cm) => ({ cm, note: undefined as string | undefined }),
    (e) => {
      if (isApiStatus(e, 404)) return { cm: undefined, note: undefined };
      if (e instanceof ApiError) return { cm: undefined, note: `plan not read: ${e.message}` };
      throw e;
    },
  );
  const [pcsObj, pods, cliques, planRes, gangs, nodes] = await Promise.all([
    pcsGet,
    kube.list<Pod>(Resources.pods, sel),
    kube.list<PodClique>(Resources.podcliques, sel),
    plan,
    opts.placement ? kube.list<PodGang>(Resources.podgangs, sel) : undefined,
    opts.placement
      ? kube.list<Node>(Resources.nodes, {}).catch((e) => {
        if (e instanceof ApiError && e.status === 403) return { items: [], resourceVersion: "" };
        throw e;
      })
      : undefined,
  ]);
  const podNodes = new Set(pods.items.map((p) => p.spec?.nodeName).filter(Boolean));
  return {
    pods: pods.items,
    cliques: cliques.items,
    targets: podTargets(
      pcs,
      pods.items,
      cliques.items,
      opts.fallbackPort,
      // DRA: GPUs per pod from the claim templates its resourceClaims name
      (pcsObj as { spec?: { template?: { resourceClaimTemplates?: unknown } } }).spec?.template
        ?.resourceClaimTemplates,
    ),
    planConfigMap: planRes.cm,
    planNote: planRes.note,
    podGangs: gangs?.items,
    nodes: nodes?.items.filter((n) => podNodes.has(n.metadata.name)),
  };
}

/** Running and Ready pods with a metrics port are scraped; a pod that is not Ready does not serve. */
export function isScrapable(t: PodTarget): boolean {
  return !!t.endpoint && t.phase === "Running" && t.ready;
}

/** Describes a scrape failure for a note. */
function describeFailure(e: unknown, t: PodTarget, timeoutMs: number, direct: boolean): string {
  if (e instanceof ApiError) {
    if (e.status === 403) {
      return `forbidden: cannot get pods/proxy in namespace "${t.namespace}" (ask for 'get' on 'pods/proxy', or use --direct from inside the cluster)`;
    }
    if (e.status === 503 || e.status === 502) {
      return `the API server could not reach :${t.endpoint?.port}${t.endpoint?.path} (${e.status}): is the engine listening?`;
    }
    return e.message;
  }
  const err = e as Error;
  if (err?.name === "TimeoutError" || /timed? ?out/i.test(err?.message ?? "")) {
    return `timed out after ${timeoutMs / 1000}s${
      direct ? "" : " through the pod proxy"
    } (raise metrics.scrape_timeout)`;
  }
  return err?.message ?? String(e);
}

/** Fetches one pod's metrics text. */
async function fetchText(
  kube: Kube,
  t: PodTarget,
  timeoutMs: number,
  direct: boolean,
  signal?: AbortSignal,
): Promise<string> {
  const ep = t.endpoint!;
  if (!direct) {
    return await kube.proxyGet(t.namespace, t.pod, ep.port, ep.path, { timeoutMs, signal });
  }
  if (!t.podIP) throw new Error("pod has no IP yet (not scheduled or not started)");
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(`http://${t.podIP}:${ep.port}${ep.path}`, {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${t.podIP}:${ep.port}${ep.path}`);
  return body;
}

/**
 * Scrapes one pod and reduces the answer to a snapshot. Never throws for
 * per-pod problems; they become `error` or `notes`.
 */
export async function scrapeOne(
  kube: Kube,
  t: PodTarget,
  o: { timeoutMs: number; direct: boolean; signal?: AbortSignal; clock: () => number },
): Promise<ScrapeOutcome> {
  const start = o.clock();
  const out: ScrapeOutcome = { pod: t.pod, notes: [], ms: 0 };
  const ep = t.endpoint;
  if (!ep) {
    out.error =
      "no metrics port in the pod spec (set metrics.port in the config, or name a container port 'metrics')";
    return out;
  }
  let text: string;
  try {
    text = await fetchText(kube, t, o.timeoutMs, o.direct, o.signal);
  } catch (e) {
    out.error = describeFailure(e, t, o.timeoutMs, o.direct);
    out.ms = o.clock() - start;
    return out;
  }
  const at = o.clock();
  out.ms = at - start;
  const scrape = mergePidSeries(
    parsePrometheusText(text, { lenient: true, source: `pod/${t.pod}` }),
  );
  for (const n of scrape.notes.slice(0, 5)) {
    out.notes.push(`metrics text line ${n.line}: ${n.message}`);
  }
  if (scrape.notes.length > 5) {
    out.notes.push(`... and ${scrape.notes.length - 5} more parse problems`);
  }
  const engine = detectEngineFromScrape(scrape, ep.metricPrefix) ?? ep.engine;
  out.engine = engine;
  if (!engine) {
    out.error = `unknown engine: no vllm:, sglang:, trtllm_ or ${
      ep.metricPrefix ?? "dynamo_frontend"
    }_ metrics at :${ep.port}${ep.path} (${scrape.sampleCount} samples)`;
    return out;
  }
  const snap = snapshotOf(scrape, engine, at, ep.metricPrefix);
  for (const name of snap.histogramsWithoutBuckets) {
    out.notes.push(`histogram ${name} has no buckets: quantiles unavailable, mean only`);
  }
  if (Object.keys(snap.histograms).length === 0 && Number.isNaN(snap.running)) {
    out.notes.push(`no ${ENGINES[engine].title} serving metrics found in the scrape`);
  }
  out.snapshot = snap;
  return out;
}

/** Scrapes all targets with a bounded number in flight. */
export async function scrapeRound(
  kube: Kube,
  targets: readonly PodTarget[],
  o: {
    timeoutMs: number;
    direct: boolean;
    concurrency: number;
    signal?: AbortSignal;
    clock: () => number;
  },
): Promise<Record<string, ScrapeOutcome>> {
  const results = await mapLimit(targets, o.concurrency, (t) => scrapeOne(kube, t, o));
  const out: Record<string, ScrapeOutcome> = {};
  for (const r of results) out[r.pod] = r;
  return out;
}

/**
 * Collects everything `metrics` needs: objects, plan, and two scrape rounds
 * `windowMs` apart.
 *
 * @example
 * ```ts ignore
 * import { connect } from "../../lib/kube/connect.ts";
 * import { collectMetrics } from "./collect.ts";
 * const kube = await connect({});
 * const c = await collectMetrics(kube, { pcs: "demo", namespace: "default", windowMs: 30_000 });
 * ```
 */
export async function collectMetrics(
  kube: Kube,
  opts: CollectMetricsOptions,
): Promise<MetricsCollected> {
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const objects = await listObjects(kube, opts);
  const round = {
    timeoutMs: opts.timeoutMs ?? 5000,
    direct: !!opts.direct,
    concurrency: Math.max(1, opts.concurrency ?? 16),
    signal: opts.signal,
    clock,
  };
  const scrapable = objects.targets.filter(isScrapable);
  const t0 = clock();
  let first: Record<string, ScrapeOutcome> = {};
  if (opts.windowMs > 0) {
    opts.progress?.(
      `scraping ${scrapable.length} pods, then again in ${opts.windowMs / 1000}s ...`,
    );
    first = await scrapeRound(kube, scrapable, round);
    const elapsed = clock() - t0;
    await sleep(Math.max(0, opts.windowMs - elapsed), opts.signal);
  }
  const t1 = clock();
  const second = await scrapeRound(kube, scrapable, round);
  return {
    pcs: opts.pcs,
    namespace: opts.namespace,
    source: opts.direct ? "direct" : "proxy",
    ...objects,
    first,
    second,
    scrapedAtMs: t1,
    scrapeMs: clock() - t0,
  };
}

/**
 * `--watch`: yields a collection every `windowMs`, each over the rolling
 * window since the previous scrape. Objects are relisted every round (one
 * list per kind), so new and deleted pods show up. Only the last snapshot
 * per pod is kept.
 */
export async function* watchMetrics(
  kube: Kube,
  opts: CollectMetricsOptions,
): AsyncGenerator<MetricsCollected> {
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const windowMs = Math.max(1000, opts.windowMs);
  let prev: Record<string, ScrapeOutcome> = {};
  const round = {
    timeoutMs: opts.timeoutMs ?? 5000,
    direct: !!opts.direct,
    concurrency: Math.max(1, opts.concurrency ?? 16),
    signal: opts.signal,
    clock,
  };
  let first = true;
  while (!opts.signal?.aborted) {
    const t0 = clock();
    const objects = await listObjects(kube, opts);
    const scrapable = objects.targets.filter(isScrapable);
    const cur = await scrapeRound(kube, scrapable, round);
    if (!first) {
      const kept: Record<string, ScrapeOutcome> = {};
      for (const t of scrapable) if (prev[t.pod]) kept[t.pod] = prev[t.pod];
      yield {
        pcs: opts.pcs,
        namespace: opts.namespace,
        source: opts.direct ? "direct" : "proxy",
        ...objects,
        first: kept,
        second: cur,
        scrapedAtMs: t0,
        scrapeMs: clock() - t0,
      };
    }
    first = false;
    prev = cur;
    await sleep(Math.max(0, windowMs - (clock() - t0)), opts.signal);
  }
}
