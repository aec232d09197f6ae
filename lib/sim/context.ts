/**
 * What the simulated cluster's request handlers share: the store, the served
 * resources, the scenario's logs and metrics, options, and JSON helpers.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import type { SimStore } from "./store.ts";
import type { FaultInjector } from "./faults.ts";
import type { StatusError } from "./status.ts";

/**
 * Serves a pod-proxy request: `(namespace, pod, port, path, pod object)`.
 * Return a Response, or undefined to fall through to the default (recorded
 * `metrics/<ns>/<pod>/<n>.prom` scrapes for `/metrics`).
 */
export type ProxyHandler = (
  namespace: string,
  pod: string,
  port: string,
  path: string,
  podObject: KubeObject,
) => Response | undefined | Promise<Response | undefined>;

/** The parsed target of an API request. */
export interface ApiTarget {
  r: ResourceDescriptor;
  namespace?: string;
  name?: string;
  /** Subresource: status, scale, log, proxy, eviction. */
  sub?: string;
  /** Path after the subresource (proxy). */
  rest: string;
  /** True for the legacy `/watch/` path prefix. */
  legacyWatch: boolean;
}

/** State shared by the handlers of one simulated cluster. */
export interface SimContext {
  store: SimStore;
  served: ResourceDescriptor[];
  logs: Map<string, string>;
  metrics: Map<string, string[]>;
  /** Next scrape index per `<ns>/<pod>`. */
  scrapeIndex: Map<string, number>;
  faults: FaultInjector;
  proxyHandler?: ProxyHandler;
  bookmarkIntervalMs: number;
  /** Open watch streams, closed on stop. */
  watches: Set<() => void>;
  now: () => number;
}

const jsonCache = new WeakMap<object, string>();

/** JSON of a stored object, cached (stored objects never change in place). */
export function jsonOf(obj: KubeObject): string {
  let s = jsonCache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    jsonCache.set(obj, s);
  }
  return s;
}

/** A JSON response. */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The Status response of a {@link StatusError}. */
export function statusResponse(e: StatusError): Response {
  return jsonResponse(e.body, e.body.code, e.headers);
}
