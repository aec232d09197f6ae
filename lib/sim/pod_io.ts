/**
 * `pods/log` and `pods/proxy` of the simulated API server: recorded logs
 * with the API server's container checks and options, and pod-proxy GETs
 * answered by a hook or by the recorded metrics scrapes.
 *
 * @module
 */

import type { KubeObject } from "../kube/types.ts";
import type { ApiTarget, SimContext } from "./context.ts";
import type { HandlerRequest } from "./crud.ts";
import { badRequest, notFound, status, StatusError } from "./status.ts";
import { scrapeAt } from "./scrape_series.ts";

function containerNames(pod: KubeObject): { main: string[]; init: string[] } {
  return {
    main: (pod.spec?.containers ?? []).map((c: { name: string }) => c.name),
    init: (pod.spec?.initContainers ?? []).map((c: { name: string }) => c.name),
  };
}

/** Picks the container of a log request, as the API server does (400 on a missing or unknown name). */
export function pickContainer(pod: KubeObject, requested: string | null): string {
  const { main, init } = containerNames(pod);
  const name = pod.metadata.name;
  if (requested) {
    if (!main.includes(requested) && !init.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (main.length === 1) return main[0];
  const def = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  if (def && main.includes(def)) return def;
  let msg = `a container name must be specified for pod ${name}, choose one of: [${
    main.join(" ")
  }]`;
  if (init.length) msg += ` or one of the init containers: [${init.join(" ")}]`;
  throw badRequest(msg);
}

const LEADING_TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))/;
const JSON_TS = /"(?:ts|time|timestamp)"\s*:\s*"(\d{4}-\d{2}-\d{2}T[^"]+)"/;

function lineTime(line: string): number | undefined {
  const m = LEADING_TS.exec(line) ?? JSON_TS.exec(line);
  if (!m) return undefined;
  const t = Date.parse(m[1]);
  return Number.isNaN(t) ? undefined : t;
}

/** Applies sinceSeconds/sinceTime, tailLines, timestamps and limitBytes to a log text (pure). */
export function filterLog(
  text: string,
  opts: {
    sinceMs?: number;
    tailLines?: number;
    timestamps?: boolean;
    limitBytes?: number;
    fallbackTime?: string;
  },
): string {
  let lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  if (opts.sinceMs !== undefined) {
    lines = lines.filter((l) => {
      const t = lineTime(l);
      return t === undefined || t >= opts.sinceMs!;
    });
  }
  if (opts.tailLines !== undefined && opts.tailLines >= 0) {
    lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
  }
  if (opts.timestamps) {
    lines = lines.map((l) => {
      const m = LEADING_TS.exec(l);
      if (m) return l;
      const t = lineTime(l);
      const ts = t !== undefined
        ? new Date(t).toISOString()
        : opts.fallbackTime ?? new Date(0).toISOString();
      return `${ts} ${l}`;
    });
  }
  let out = lines.length ? lines.join("\n") + "\n" : "";
  if (opts.limitBytes !== undefined && opts.limitBytes >= 0) {
    const bytes = new TextEncoder().encode(out);
    if (bytes.length > opts.limitBytes) {
      out = new TextDecoder().decode(bytes.slice(0, opts.limitBytes));
    }
  }
  return out;
}

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name}: "${v}" is not an integer`);
  return n;
}

/** GET pods/{name}/log. */
export function handleLog(ctx: SimContext, t: ApiTarget, req: HandlerRequest): Response {
  const pod = ctx.store.get(t.r, t.namespace, t.name!);
  if (!pod) throw notFound(t.r, t.name!);
  const url = req.url;
  const container = pickContainer(pod, url.searchParams.get("container"));
  const previous = ["true", "1"].includes(url.searchParams.get("previous") ?? "");
  const key = `${t.namespace}/${t.name}/${container}${previous ? ".previous" : ""}`;
  let text = ctx.logs.get(key);
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ];
  const cs = statuses.find((c: { name: string }) => c.name === container);
  if (previous && text === undefined) {
    throw badRequest(`previous terminated container "${container}" in pod "${t.name}" not found`);
  }
  if (!previous && text === undefined) {
    const waiting = cs?.state?.waiting?.reason;
    if (waiting && ["ContainerCreating", "PodInitializing"].includes(waiting)) {
      throw badRequest(
        `container "${container}" in pod "${t.name}" is waiting to start: ${waiting}`,
      );
    }
    if (!cs && pod.status?.phase === "Pending") {
      throw badRequest(
        `container "${container}" in pod "${t.name}" is waiting to start: ContainerCreating`,
      );
    }
    text = "";
  }
  const sinceSeconds = intParam(url, "sinceSeconds");
  const sinceTime = url.searchParams.get("sinceTime");
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) throw badRequest("sinceSeconds: Invalid value: must be greater than 0");
    sinceMs = ctx.now() - sinceSeconds * 1000;
  } else if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw badRequest(`invalid sinceTime "${sinceTime}"`);
  }
  const out = filterLog(text!, {
    sinceMs,
    tailLines: intParam(url, "tailLines"),
    timestamps: ["true", "1"].includes(url.searchParams.get("timestamps") ?? ""),
    limitBytes: intParam(url, "limitBytes"),
    fallbackTime: cs?.state?.running?.startedAt ?? pod.status?.startTime,
  });
  const headers = { "content-type": "text/plain" };
  if (["true", "1"].includes(url.searchParams.get("follow") ?? "")) {
    // follow: send what there is, then hold the stream open until the client leaves
    let close = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(out));
        close = () => {
          ctx.watches.delete(close);
          try {
            c.close();
          } catch { /* closed */ }
        };
        ctx.watches.add(close);
      },
      cancel() {
        close();
      },
    });
    return new Response(body, { status: 200, headers });
  }
  return new Response(out, { status: 200, headers });
}

/** Splits `name:port` / `scheme:name:port` of a proxy URL. */
export function splitProxyName(s: string): { name: string; port: string } {
  const parts = s.split(":");
  if (parts.length === 3) return { name: parts[1], port: parts[2] };
  if (parts.length === 2) return { name: parts[0], port: parts[1] };
  return { name: parts[0], port: "" };
}

function serviceUnavailable(message: string): StatusError {
  return new StatusError(status(503, "ServiceUnavailable", message));
}

/** GET pods/{name}[:port]/proxy/{path}. */
export async function handleProxy(
  ctx: SimContext,
  t: ApiTarget,
  req: HandlerRequest,
): Promise<Response> {
  const { name, port: port0 } = splitProxyName(t.name!);
  const pod = ctx.store.get(t.r, t.namespace, name);
  if (!pod) throw notFound(t.r, name);
  const port = port0 ||
    String(pod.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? "80");
  const path = t.rest || "/";
  if (ctx.proxyHandler) {
    const res = await ctx.proxyHandler(t.namespace!, name, port, path, pod);
    if (res) return res;
  }
  const ip = pod.status?.podIP;
  if (pod.status?.phase !== "Running" || !ip) {
    throw serviceUnavailable(
      `error trying to reach service: pod ${name} is ${
        pod.status?.phase ?? "not running"
      } and has no IP`,
    );
  }
  if (req.method !== "GET") throw badRequest("the simulated pod proxy serves GET only");
  const key = `${t.namespace}/${name}`;
  const scrapes = ctx.metrics.get(key);
  if (path.replace(/\/$/, "") === "/metrics" && scrapes?.length) {
    const i = ctx.scrapeIndex.get(key) ?? 0;
    ctx.scrapeIndex.set(key, i + 1);
    const text = scrapeAt(scrapes, i);
    return new Response(text, {
      status: 200,
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  }
  if (!scrapes?.length) {
    throw serviceUnavailable(
      `error trying to reach service: dial tcp ${ip}:${port}: connect: connection refused`,
    );
  }
  return new Response("404 page not found\n", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
