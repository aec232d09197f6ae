/**
 * The simulated Grove cluster: a real HTTPS Kubernetes API server on
 * 127.0.0.1 with its own CA, serving a fixture scenario, faithful enough for
 * real `kubectl` and for our own client.
 *
 * @module
 */

import { type ResourceDescriptor, Resources } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { GroveError } from "../errors.ts";
import {
  type ApiTarget,
  jsonResponse,
  type ProxyHandler,
  type SimContext,
  statusResponse,
} from "./context.ts";
import {
  handleCreate,
  handleDelete,
  handleEviction,
  handleGet,
  handleList,
  handlePatch,
  handleReplace,
  type HandlerRequest,
  handleScale,
} from "./crud.ts";
import {
  AGGREGATED_DISCOVERY_TYPE,
  aggregatedDiscovery,
  apiGroup,
  coreVersions,
  groupList,
  resourceList,
  versionInfo,
  wantsAggregatedDiscovery,
} from "./discovery.ts";
import { FaultInjector, type SimFaults } from "./faults.ts";
import { loadScenario, type Scenario } from "./fixtures.ts";
import { renderKubeconfig, writeKubeconfig } from "./kubeconfig.ts";
import { ACCESS_REVIEW, readOnlyAllows, reviewAccess } from "./access_review.ts";
import { openApiDocument, openApiIndex } from "./openapi.ts";
import { handleLog, handleProxy } from "./pod_io.ts";
import { RequestLog } from "./request_log.ts";
import { parseTarget, splitApiPath, verbOf } from "./router.ts";
import { resourceOfObject } from "./resolve.ts";
import {
  fault,
  forbidden,
  methodNotAllowed,
  pathNotFound,
  StatusError,
  unauthorized,
} from "./status.ts";
import { SimStore } from "./store.ts";
import { createSimPki } from "./tls.ts";
import { handleWatch } from "./watch.ts";
import { synthMetricsHandler } from "./metrics_synth.ts";
import { DEFAULT_MIN_COMPRESS_BYTES, maybeCompress, type SimCompression } from "./compression.ts";

export type { ProxyHandler } from "./context.ts";
export type { SimFaults } from "./faults.ts";
export type { RequestLogEntry } from "./request_log.ts";
export type { SimCompression } from "./compression.ts";

/** Options of {@link startSimCluster}. */
export interface SimClusterOptions {
  /** Scenario name in `fixtures/` or a directory (a diag bundle); default "healthy". */
  scenario?: string;
  /** Shift recorded timestamps to the present (default true). */
  shiftTimes?: boolean;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where to write the kubeconfig (default: a new temp file, removed by `stop()`). */
  kubeconfigPath?: string;
  /** Faults to inject (change later with `cluster.faults.set()`). */
  faults?: SimFaults;
  /** Serves pod-proxy requests; return undefined to fall through to recorded metrics. */
  proxyHandler?: ProxyHandler;
  /**
   * Running engine pods without recorded scrapes (pods the operator
   * simulation creates, the generated `large` scenario) answer `/metrics`
   * with synthesized engine metrics ({@link synthMetricsHandler}). Used by
   * `deno task sim` and the demo for fixture scenarios; a diag bundle is
   * served as recorded. Ignored when `proxyHandler` is given.
   */
  synthesizeMetrics?: boolean;
  /** Called before each request is handled; a returned Response is sent instead. */
  onRequest?: (
    req: Request,
    info: { user: string; url: URL },
  ) => Response | undefined | Promise<Response | undefined>;
  /** Extra objects to store after the scenario's. */
  objects?: KubeObject[];
  /** Interval of watch bookmarks in ms (default 1000). */
  bookmarkIntervalMs?: number;
  /** Events kept for watches (default 10,000). */
  historyLimit?: number;
  /**
   * Gzip of responses above 128 KB for clients that accept it, as
   * kube-apiserver does (default on; `{ enabled: false }` turns it off).
   */
  compression?: Partial<SimCompression>;
  /** Reserved for the operator simulation (rollouts, scaling); started with the cluster. */
  operator?: { start(cluster: SimCluster): void | Promise<void>; stop?(): void | Promise<void> };
}

/** A running simulated cluster. */
export interface SimCluster {
  /** Path of the written kubeconfig (contexts `sim` and `sim-readonly`). */
  kubeconfigPath: string;
  /** `https://127.0.0.1:<port>`. */
  server: string;
  /** The run's CA certificate, PEM. */
  caCert: string;
  /** Bearer tokens: `admin` may do everything, `readOnly` gets 403 on writes, logs and proxy. */
  tokens: { admin: string; readOnly: string };
  /** Every answered request. */
  requestLog: RequestLog;
  /** The object store; mutate it to change the cluster under a test. */
  store: SimStore;
  /** The loaded scenario (meta, logs, metrics). */
  scenario: Scenario;
  /** The fault injector; `faults.set({...})` changes faults at run time. */
  faults: FaultInjector;
  /** The resources this cluster serves (no Grove groups when `groveInstalled` is false). */
  served: ResourceDescriptor[];
  /** Response compression; change `enabled` at run time to compare. */
  compression: SimCompression;
  /** Stops the server, closes watches and removes the temp kubeconfig. */
  stop(): Promise<void>;
}

const USERS = { admin: "admin", readOnly: "readonly" } as const;

function randomToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The resources a scenario's cluster serves. */
export function servedResources(
  groveInstalled: boolean,
  objects: readonly KubeObject[],
): ResourceDescriptor[] {
  const all: ResourceDescriptor[] = Object.values(Resources);
  const legacy = objects.some((o) => o.kind === "ClusterTopology") &&
    !objects.some((o) => o.kind === "ClusterTopologyBinding");
  return all.filter((r) => {
    if (r.group.endsWith("grove.io") && !groveInstalled) return false;
    if (r.kind === "ClusterTopology") return legacy;
    if (r.kind === "ClusterTopologyBinding") return !legacy;
    return true;
  });
}

function namespacesOf(objects: readonly KubeObject[], extra: string[]): KubeObject[] {
  const names = new Set(extra);
  for (const o of objects) if (o.metadata.namespace) names.add(o.metadata.namespace);
  const have = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
  return [...names].filter((n) => !have.has(n)).sort().map((name) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  }));
}

async function readBody(req: Request): Promise<Uint8Array> {
  if (req.method === "GET" || req.method === "HEAD") return new Uint8Array();
  return new Uint8Array(await req.arrayBuffer());
}

async function route(
  ctx: SimContext,
  req: Request,
  url: URL,
  user: string,
  address: string,
): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const get = req.method === "GET" || req.method === "HEAD";
  // discovery and other non-resource paths
  if (path === "/version") return jsonResponse(versionInfo());
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    return new Response("ok", { headers: { "content-type": "text/plain" } });
  }
  const discovered = [...ctx.served, ACCESS_REVIEW];
  if (
    (path === "/api" || path === "/apis") && get &&
    wantsAggregatedDiscovery(req.headers.get("accept"))
  ) {
    return jsonResponse(aggregatedDiscovery(discovered, path === "/api"), 200, {
      "content-type": AGGREGATED_DISCOVERY_TYPE,
    });
  }
  if (path === "/api" && get) return jsonResponse(coreVersions(address));
  if (path === "/apis" && get) return jsonResponse(groupList(discovered));
  if (path === "/openapi/v3" && get) return jsonResponse(openApiIndex(ctx.served));
  if (path.startsWith("/openapi/v3/") && get) {
    const doc = await openApiDocument(ctx.served, path.slice("/openapi/v3/".length));
    if (!doc) throw pathNotFound();
    return jsonResponse(doc);
  }
  const split = splitApiPath(path);
  if (!split) throw pathNotFound();
  const { group, version, parts } = split;
  if (path.startsWith("/apis/") && path.split("/").length === 3 && get) {
    const g = apiGroup(discovered, group || path.split("/")[2]);
    if (!g) throw pathNotFound();
    return jsonResponse(g);
  }
  if (parts.length === 0 && get) {
    const list = resourceList(discovered, group, version);
    if (!list) throw pathNotFound();
    return jsonResponse(list);
  }
  if (group === ACCESS_REVIEW.group && version === "v1" && parts[0] === ACCESS_REVIEW.plural) {
    if (req.method !== "POST" || parts.length > 1) throw methodNotAllowed();
    const body = new Uint8Array(await req.arrayBuffer());
    return jsonResponse(reviewAccess(user, body, req.headers.get("content-type") ?? ""), 201);
  }
  const t = parseTarget(ctx.served, group, version, parts);
  if (!t) throw pathNotFound();
  return await handleResource(ctx, req, url, user, t);
}

async function handleResource(
  ctx: SimContext,
  req: Request,
  url: URL,
  user: string,
  t: ApiTarget,
): Promise<Response> {
  const watch = t.legacyWatch || ["true", "1"].includes(url.searchParams.get("watch") ?? "");
  const verb = verbOf(req.method, t, watch);
  const sub = t.sub;
  if (sub && !(t.r.subresources as readonly string[]).includes(sub)) throw pathNotFound();
  if (user === USERS.readOnly && !readOnlyAllows(verb, sub)) {
    throw forbidden(
      user,
      verb,
      t.r,
      sub,
      sub === "proxy" ? t.name?.split(":").slice(-2)[0] : t.name,
      t.r.namespaced ? t.namespace : undefined,
    );
  }
  const raw = await readBody(req);
  const hreq: HandlerRequest = {
    method: req.method,
    url,
    headers: req.headers,
    body: new TextDecoder().decode(raw),
    raw,
  };
  if (sub === "log") {
    if (req.method !== "GET") throw methodNotAllowed();
    return handleLog(ctx, t, hreq);
  }
  if (sub === "proxy") {
    if (t.r.kind !== "Pod") throw pathNotFound();
    return await handleProxy(ctx, t, hreq);
  }
  if (sub === "scale") return await handleScale(ctx, t, hreq);
  if (sub === "eviction") {
    if (req.method !== "POST") throw methodNotAllowed();
    return handleEviction(ctx, t, hreq);
  }
  if (sub && sub !== "status") throw pathNotFound();
  if (sub === "status" && (req.method === "POST" || req.method === "DELETE")) {
    throw methodNotAllowed();
  }
  switch (req.method) {
    case "GET":
    case "HEAD":
      if (watch) return handleWatch(ctx, t, hreq);
      return t.name ? handleGet(ctx, t, hreq) : handleList(ctx, t, hreq);
    case "POST":
      return await handleCreate(ctx, t, hreq);
    case "PUT":
      return await handleReplace(ctx, t, hreq);
    case "PATCH":
      return await handlePatch(ctx, t, hreq);
    case "DELETE":
      return handleDelete(ctx, t, hreq);
    default:
      throw methodNotAllowed();
  }
}

/**
 * Starts a simulated cluster serving a scenario and writes its kubeconfig.
 *
 * @example
 * ```ts
 * import { startSimCluster } from "./server.ts";
 * const sim = await startSimCluster({ scenario: "healthy" });
 * // KUBECONFIG=sim.kubeconfigPath kubectl get pcs
 * await sim.stop();
 * ```
 */
export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const [scenario, pki] = await Promise.all([
    loadScenario(opts.scenario ?? "healthy", { shiftTimes: opts.shiftTimes }),
    createSimPki(),
  ]);
  const store = new SimStore({ historyLimit: opts.historyLimit });
  const objects = [...scenario.objects, ...(opts.objects ?? [])];
  const groveInstalled = scenario.meta.groveInstalled !== false;
  const served = servedResources(groveInstalled, objects);
  const servedSet = new Set(served);
  const namespace = scenario.meta.namespace || "default";
  const toLoad: KubeObject[] = [];
  for (const o of [...namespacesOf(objects, ["default", "kube-system", namespace]), ...objects]) {
    const r = resourceOfObject(o);
    if (r && servedSet.has(r)) toLoad.push(o);
  }
  // the scenario's objects are fresh from the loader: adopt them; copy the caller's
  const own = new Set(opts.objects ?? []);
  store.load(toLoad.map((o) => (own.has(o) ? structuredClone(o) : o)), { adopt: true });

  const faults = new FaultInjector(opts.faults);
  const requestLog = new RequestLog();
  const ctx: SimContext = {
    store,
    served,
    logs: scenario.logs,
    metrics: scenario.metrics,
    scrapeIndex: new Map(),
    faults,
    proxyHandler: opts.proxyHandler ??
      (opts.synthesizeMetrics
        ? synthMetricsHandler({ recorded: (ns, pod) => scenario.metrics.has(`${ns}/${pod}`) })
        : undefined),
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
    watches: new Set(),
    now: Date.now,
  };
  const compression: SimCompression = {
    enabled: true,
    minBytes: DEFAULT_MIN_COMPRESS_BYTES,
    ...opts.compression,
  };
  const tokens = { admin: randomToken(), readOnly: randomToken() };
  let address = "127.0.0.1:0";

  const handler = async (req: Request): Promise<Response> => {
    const t0 = performance.now();
    const url = new URL(req.url);
    let user = "";
    let res: Response;
    try {
      const auth = req.headers.get("authorization") ?? "";
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (m?.[1] === tokens.admin) user = USERS.admin;
      else if (m?.[1] === tokens.readOnly) user = USERS.readOnly;
      const open = ["/version", "/healthz", "/livez", "/readyz"].includes(url.pathname);
      if (!user && (auth || !open)) throw unauthorized();
      const hooked = opts.onRequest ? await opts.onRequest(req, { user, url }) : undefined;
      if (hooked) {
        res = hooked;
      } else {
        const delay = faults.latency(url.pathname);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const f = faults.error(url.pathname, req.method);
        if (f) throw fault(f.status, f.retryAfterSeconds);
        res = await route(ctx, req, url, user, address);
        if (res.ok) res = await maybeCompress(req, url, res, compression);
      }
    } catch (e) {
      if (e instanceof StatusError) res = statusResponse(e);
      else {
        console.error("sim: internal error:", e);
        res = statusResponse(
          new StatusError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `Internal error occurred: ${(e as Error)?.message ?? e}`,
            reason: "InternalError",
            code: 500,
          }),
        );
      }
    }
    requestLog.add({
      method: req.method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      status: res.status,
      user,
      ms: Math.round((performance.now() - t0) * 100) / 100,
    });
    return res;
  };

  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: opts.port ?? 0,
      cert: pki.server.cert,
      key: pki.server.key,
      onListen: () => {},
      onError: (e) => {
        console.error("sim: internal error:", e);
        return new Response("internal error", { status: 500 });
      },
    }, handler);
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new GroveError(`cannot start the simulated cluster: port ${opts.port} is in use`, {
        hint: "pick another --port, or 0 for any free port",
      });
    }
    throw e;
  }
  const addr = server.addr as Deno.NetAddr;
  address = `127.0.0.1:${addr.port}`;
  const serverUrl = `https://${address}`;
  const kubeconfigPath = await writeKubeconfig(
    renderKubeconfig({
      server: serverUrl,
      caCert: pki.ca.cert,
      adminToken: tokens.admin,
      readOnlyToken: tokens.readOnly,
      namespace,
    }),
    opts.kubeconfigPath,
  );

  let stopped = false;
  const cluster: SimCluster = {
    kubeconfigPath,
    server: serverUrl,
    caCert: pki.ca.cert,
    tokens,
    requestLog,
    store,
    scenario,
    faults,
    served,
    compression,
    async stop() {
      if (stopped) return;
      stopped = true;
      await opts.operator?.stop?.();
      for (const close of [...ctx.watches]) close();
      await server.shutdown();
      if (!opts.kubeconfigPath) {
        try {
          await Deno.remove(kubeconfigPath);
        } catch { /* already gone */ }
      }
    },
  };
  if (opts.operator) await opts.operator.start(cluster);
  return cluster;
}
