/**
 * The dashboard's HTTP server: the bundled frontend, a JSON API serving the
 * same typed reports the CLI prints, an event stream of the shared state,
 * and the actions. Every request needs the session token (query on the
 * first visit, then an HttpOnly SameSite=Strict cookie, or an
 * `Authorization: Bearer` header); without it: 401. On loopback, the Host
 * header must name the loopback address (no DNS rebinding); a POST from
 * another origin is refused.
 *
 * @module
 */

import { ApiError, ConnectionError, GroveError, UsageError } from "../../lib/errors.ts";
import type { ControllerRevision } from "../../lib/revisions/revision.ts";
import { readRevision } from "../../lib/revisions/revision.ts";
import { RevisionLabels } from "../../lib/revisions/keys.ts";
import type { Event, PodCliqueSet } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { compare } from "../compare/run.ts";
import { buildHistoryReport } from "../rollout/history.ts";
import { rolloutDiff } from "../rollout/history.ts";
import { tuiTopology } from "../tui/reports.ts";
import type { TuiScope } from "../tui/source.ts";
import { ActionRunner, type ActionSettings, errorText, parseActionRequest } from "./actions.ts";
import { ASSETS } from "./assets.gen.ts";
import { DashboardHub } from "./hub.ts";
import { MetricsSampler } from "./metrics.ts";
import { eventRows, podRows, wireState } from "./state.ts";
import { checkToken, newToken, TOKEN_COOKIE, tokenFromRequest } from "./token.ts";

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Where to look. */
  scope: TuiScope;
  /** Address to bind (default 127.0.0.1). */
  address?: string;
  /** Port (default 3300; 0 picks a free one). */
  port?: number;
  /** Hide and refuse actions. */
  readOnly?: boolean;
  /** Session token (default: 32 random bytes). */
  token?: string;
  /** Settings of the actions (who, history limit, scrape). */
  actions: Omit<ActionSettings, "signal">;
  /** Scrape settings of the Metrics view. */
  scrape: { timeoutMs: number; fallbackPort?: number };
  /** Metrics interval, ms (default 5000). */
  metricsIntervalMs?: number;
  /** Watch debounce, ms (default 150). */
  debounceMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** The URL to open, with the token. */
  url: string;
  /** The URL without the token. */
  origin: string;
  /** The session token. */
  token: string;
  /** The shared watch. */
  hub: DashboardHub;
  /** Stops serving, closes the streams and the watches. */
  close(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True for an address only this machine reaches. */
export function isLoopback(address: string): boolean {
  return LOOPBACK.has(address) || /^127\./.test(address);
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly hint?: string) {
    super(message);
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * The HTTP status for an error of a task: the API server's own status
 * (forbidden, not found, conflict, invalid), 502 when the cluster could not
 * be asked (or rejected our credentials: 401 here means the dashboard's
 * token), 404 for a named object that does not exist, else 409 (a
 * precondition of the action does not hold).
 */
function statusOf(e: GroveError): number {
  const api = e instanceof ApiError ? e : e.cause instanceof ApiError ? e.cause : undefined;
  if (api) return api.status >= 400 && api.status < 600 && api.status !== 401 ? api.status : 502;
  if (e instanceof ConnectionError) return 502;
  return / not found\b/.test(e.message) ? 404 : 409;
}

function failure(e: unknown): Response {
  if (e instanceof HttpError) return json({ error: e.message, hint: e.hint }, e.status);
  if (e instanceof UsageError) return json({ error: e.message, hint: e.hint }, 400);
  if (e instanceof GroveError) return json({ error: e.message, hint: e.hint }, statusOf(e));
  return json({ error: errorText(e) }, 502);
}

function param(url: URL, name: string): string {
  const v = url.searchParams.get(name);
  if (!v) throw new HttpError(400, `query parameter "${name}" is missing`);
  return v;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
};

/** Frames queued for one tab before it is dropped. */
const MAX_QUEUED_FRAMES = 16;

const gzipCache = new Map<string, Promise<ArrayBuffer>>();

/** An asset compressed once per process. */
function gzipped(path: string, body: string): Promise<ArrayBuffer> {
  let p = gzipCache.get(path);
  if (!p) {
    p = new Response(
      new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer();
    gzipCache.set(path, p);
  }
  return p;
}

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>401</title>
<p>401: this dashboard needs its session token. Open the URL that
<code>kubectl grove dashboard</code> printed (it ends in <code>?token=...</code>).</p>`;

/**
 * Starts the dashboard over a connected client: lists and watches (errors
 * of the first list are thrown), then serves.
 *
 * @example
 * ```ts ignore
 * const d = await startDashboard(kube, { scope: { namespace: "inference", allNamespaces: false },
 *   actions: { createdBy: "me", historyLimit: 10, scrape: { timeoutMs: 5000 } },
 *   scrape: { timeoutMs: 5000 } });
 * console.log(d.url);
 * ```
 */
export async function startDashboard(kube: Kube, o: DashboardOptions): Promise<Dashboard> {
  const address = o.address ?? "127.0.0.1";
  const token = o.token ?? newToken();
  const readOnly = o.readOnly === true;
  const stop = new AbortController();
  const hub = new DashboardHub(kube, { scope: o.scope, readOnly, debounceMs: o.debounceMs });
  await hub.start();
  const sampler = new MetricsSampler(kube, {
    ...o.scrape,
    intervalMs: o.metricsIntervalMs,
    snapshot: () => hub.snapshot,
  });
  const runner = new ActionRunner(kube, { ...o.actions, signal: stop.signal });
  hub.extras = () => ({ jobs: runner.jobs, sla: sampler.slaVerdicts() });
  runner.onChange = () => hub.publish();
  // a changed SLA verdict reaches every tab's Overview
  let verdicts = "{}";
  sampler.onRound = () => {
    const v = JSON.stringify(sampler.slaVerdicts(), (k, x) => (k === "at" ? undefined : x));
    if (v === verdicts) return;
    verdicts = v;
    hub.publish();
  };
  // countdowns tick in the browser; the state is rebuilt once a minute so
  // reports that depend on the clock (ages, expired deadlines) stay true
  const refresh = setInterval(() => hub.publish(), 60_000);

  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const enc = new TextEncoder();
  let port = 0;

  const hostOk = (req: Request): boolean => {
    if (!isLoopback(address)) return true;
    const host = req.headers.get("host") ?? "";
    const name = host.replace(/:\d+$/, "");
    return isLoopback(name);
  };

  const eventStream = (): Response => {
    let unsubscribe = () => {};
    let ping: ReturnType<typeof setInterval> | undefined;
    let ctrl: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
        streams.add(c);
        c.enqueue(enc.encode("retry: 2000\n\n"));
        unsubscribe = hub.subscribe((frame) => {
          try {
            // a tab that does not read (suspended, stuck) is dropped rather than
            // buffered without bound; its EventSource reconnects to the latest state
            if ((c.desiredSize ?? 0) < -MAX_QUEUED_FRAMES) {
              close();
              c.close();
              return;
            }
            c.enqueue(enc.encode(frame));
          } catch {
            close();
          }
        });
        ping = setInterval(() => {
          try {
            c.enqueue(enc.encode(": ping\n\n"));
          } catch {
            close();
          }
        }, 15_000);
      },
      cancel() {
        close();
      },
    });
    function close() {
      unsubscribe();
      clearInterval(ping);
      streams.delete(ctrl);
    }
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  };

  const api = async (req: Request, url: URL): Promise<Response> => {
    const path = url.pathname;
    if (path === "/api/events") return eventStream();
    if (path === "/api/state") {
      if (!hub.state) throw new HttpError(503, "no data yet");
      return json({ ...wireState(hub.state), ...hub.extras() });
    }
    if (path === "/api/topology") {
      // the whole cluster's capacity (every node, fits, fragmentation) and
      // the workloads in scope (gangs, their pods per node, split placement)
      return json(hub.derived("topology", (s) => {
        const now = Date.now();
        const cluster = tuiTopology(s, o.scope, now, true);
        const workload = tuiTopology(s, o.scope, now, false);
        const error = cluster.error ?? workload.error;
        if (error) throw new HttpError(500, error);
        return { cluster: cluster.report, workload: workload.report };
      }));
    }
    if (path === "/api/set") {
      const ns = param(url, "namespace");
      const name = param(url, "name");
      return json(hub.derived(`set:${ns}/${name}`, (s) => {
        const status = hub.state?.status?.podCliqueSets.find((p) =>
          p.namespace === ns && p.name === name
        );
        if (!status) {
          throw new HttpError(404, `podcliqueset "${name}" not found in namespace "${ns}"`);
        }
        return {
          status,
          gangs: (hub.state?.health?.gangs ?? []).filter((g) =>
            g.namespace === ns && g.pcs === name
          ),
          pods: podRows(s.byKind.pods ?? [], ns, name),
          rollout: hub.state?.rollouts?.find((r) => r.namespace === ns && r.name === name),
        };
      }));
    }
    if (path === "/api/set/events") {
      const ns = param(url, "namespace");
      const name = param(url, "name");
      const list = await kube.list<Event>(Resources.events, { namespace: ns });
      return json({ events: eventRows(list.items, name).slice(0, 200) });
    }
    if (path === "/api/logs") {
      const ns = param(url, "namespace");
      const pod = param(url, "pod");
      const tail = Number(url.searchParams.get("tail") ?? 200);
      const text = await kube.logs(ns, pod, {
        container: url.searchParams.get("container") ?? undefined,
        previous: url.searchParams.get("previous") === "1",
        tailLines: Number.isFinite(tail) && tail > 0 ? Math.min(tail, 5000) : 200,
      });
      return new Response(text, {
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    }
    if (path === "/api/history") {
      const ns = param(url, "namespace");
      const name = param(url, "name");
      return json(hub.derived(`history:${ns}/${name}`, (s) => {
        const pcs = (s.byKind.podcliquesets ?? []).find((p) =>
          p.metadata.namespace === ns && p.metadata.name === name
        ) as PodCliqueSet | undefined;
        if (!pcs) throw new HttpError(404, `podcliqueset "${name}" not found in namespace "${ns}"`);
        const revisions = (s.byKind.controllerrevisions ?? [])
          .filter((r) =>
            r.metadata.namespace === ns && r.metadata.labels?.[RevisionLabels.podCliqueSet] === name
          )
          .sort((a, b) =>
            Number((a as ControllerRevision).revision) - Number((b as ControllerRevision).revision)
          )
          .map((r) => readRevision(r as ControllerRevision));
        return buildHistoryReport(pcs, revisions);
      }));
    }
    if (path === "/api/diff") {
      const revision = Number(param(url, "revision"));
      const against = url.searchParams.get("against");
      if (!Number.isInteger(revision)) throw new HttpError(400, "revision must be a number");
      return json(
        await rolloutDiff(kube, {
          name: param(url, "name"),
          namespace: param(url, "namespace"),
          revision,
          against: against ? Number(against) : undefined,
        }),
      );
    }
    if (path === "/api/metrics") {
      return json(sampler.series(param(url, "namespace"), param(url, "name")));
    }
    if (path === "/api/compare") {
      const w = Number(url.searchParams.get("windowSeconds") ?? 10);
      return json(
        await compare(kube, {
          pcs: param(url, "name"),
          namespace: param(url, "namespace"),
          windowMs: Math.max(0, Math.min(300, Number.isFinite(w) ? w : 10)) * 1000,
          timeoutMs: o.scrape.timeoutMs,
          fallbackPort: o.scrape.fallbackPort,
          signal: stop.signal,
        }),
      );
    }
    if (path === "/api/actions") {
      if (req.method !== "POST") throw new HttpError(405, "use POST");
      if (readOnly) {
        throw new HttpError(
          403,
          "this dashboard is read-only (--read-only): actions are refused",
          "run the CLI command instead, or start the dashboard without --read-only",
        );
      }
      const origin = req.headers.get("origin");
      if (origin && origin !== url.origin) {
        throw new HttpError(403, `actions from another origin (${origin}) are refused`);
      }
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        throw new HttpError(400, "the action request must be a JSON object");
      }
      const res = await runner.run(parseActionRequest(body));
      if (res.outcome === "done") hub.publish();
      return json(res);
    }
    throw new HttpError(404, `no such endpoint: ${path}`);
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (!hostOk(req)) {
      return new Response("421: unexpected Host header (use the printed URL)\n", { status: 421 });
    }
    const given = tokenFromRequest(req, url);
    if (!checkToken(given, token)) {
      return url.pathname.startsWith("/api/")
        ? json({
          error: "missing or wrong session token",
          hint: "open the URL kubectl grove dashboard printed",
        }, 401)
        : new Response(UNAUTHORIZED_PAGE, {
          status: 401,
          headers: { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS },
        });
    }
    if (
      url.searchParams.has("token") && req.method === "GET" && !url.pathname.startsWith("/api/")
    ) {
      // first visit: keep the token in a cookie, drop it from the address bar
      return new Response(null, {
        status: 303,
        headers: {
          location: "/",
          "set-cookie": `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`,
        },
      });
    }
    try {
      if (url.pathname.startsWith("/api/")) return await api(req, url);
      const asset = ASSETS[url.pathname === "/" ? "/index.html" : url.pathname];
      if (!asset) return new Response("404: not found\n", { status: 404 });
      const headers: Record<string, string> = {
        "content-type": asset.type,
        "cache-control": "no-cache",
        vary: "accept-encoding",
        ...SECURITY_HEADERS,
      };
      if (/\bgzip\b/.test(req.headers.get("accept-encoding") ?? "")) {
        headers["content-encoding"] = "gzip";
        return new Response(await gzipped(url.pathname, asset.body), { headers });
      }
      return new Response(asset.body, { headers });
    } catch (e) {
      return failure(e);
    }
  };

  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: address,
      port: o.port ?? 3300,
      signal: stop.signal,
      onListen: (a) => {
        port = a.port;
      },
      onError: (e) => failure(e),
    }, handler);
  } catch (e) {
    await hub.close();
    clearInterval(refresh);
    if (e instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `port ${o.port} on ${address} is in use`,
        "choose another with --port (0 picks a free one)",
      );
    }
    if (e instanceof Deno.errors.AddrNotAvailable) {
      throw new UsageError(`cannot listen on ${address}: no such address on this machine`);
    }
    throw e;
  }
  port = (server.addr as Deno.NetAddr).port;
  const host = address.includes(":") ? `[${address}]` : address;
  const shown = address === "0.0.0.0" || address === "::" ? "127.0.0.1" : host;
  const origin = `http://${shown}:${port}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(refresh);
    sampler.close();
    for (const c of streams) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    streams.clear();
    stop.abort();
    await server.finished;
    await hub.close();
  };
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    hub,
    close,
    finished: server.finished,
  };
}
