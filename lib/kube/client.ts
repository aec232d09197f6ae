/**
 * `KubeClient`: the Kubernetes client every task uses (implements `Kube`
 * from `types.ts`). Plain `fetch` over a TLS-configured HTTP client, typed
 * errors, bounded retries of reads, watch with reconnect and relist, and a
 * log of every request. Create one with `connect()` from `connect.ts`.
 *
 * @module
 */

import { ApiError, ConnectionError, GroveError } from "../errors.ts";
import { type AuthState, Credentials } from "./auth.ts";
import { formatTimeout } from "./duration.ts";
import type { ResolvedConfig } from "./kubeconfig.ts";
import {
  apiErrorFromResponse,
  classifyNetworkError,
  connectionErrorFor,
  type RequestContext,
  type TargetContext,
} from "./kube_errors.ts";
import { apiVersionOf, qualifiedName, type ResourceDescriptor } from "./resources.ts";
import { backoffDelay, type BackoffOptions, parseRetryAfter, shouldRetry } from "./retry.ts";
import { createTransport, type Transport } from "./transport.ts";
import type {
  Kube,
  KubeObject,
  ListOptions,
  ListResult,
  LogOptions,
  PatchType,
  RequestRecord,
  Scale,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "./types.ts";
import { resourcePath, withQuery } from "./url.ts";
import { ndjsonLines, parseWatchLine } from "./watch_stream.ts";
import { sleep } from "../async.ts";
import { applyMask, type FieldMask, readListStream } from "./list_stream.ts";

/** Field manager of our writes. */
export const FIELD_MANAGER = "kubectl-grove";
/** Default `--request-timeout`, ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const USER_AGENT = "kubectl-grove/0.1.0 (deno)";
const MAX_REQUEST_RECORDS = 10_000;

/** Tuning of watch reconnects. */
export interface WatchReconnectOptions {
  /** First delay after a failed stream, ms (default 500). */
  baseMs?: number;
  /** Largest delay, ms (default 8000). */
  maxMs?: number;
  /** Consecutive failures before the watch gives up (default 8). */
  maxFailures?: number;
  /** A stream that lasted this long, or delivered events, counts as healthy (default 5000 ms). */
  healthyAfterMs?: number;
}

/** Options of a {@link KubeClient}. */
export interface KubeClientOptions {
  /** The resolved context. */
  config: ResolvedConfig;
  /** Default namespace (already resolved; never empty). */
  namespace: string;
  /** Overall timeout of one request including retries, ms; 0 means none. */
  requestTimeoutMs?: number;
  /** Log each request to `stderr` as `GET /path 200 12ms`. */
  verbose?: boolean;
  /** Where warnings and verbose lines go (default `console.error`). */
  stderr?: (line: string) => void;
  /** Retry backoff of reads. */
  backoff?: BackoffOptions;
  /** Reconnect tuning of watches. */
  watchReconnect?: WatchReconnectOptions;
  /** Credentials (default: built from `config`). */
  credentials?: Credentials;
  /**
   * The session's abort signal (Ctrl-C): aborts reads and server-side dry runs in flight and
   * refuses new ones; real writes are not cut off (see `#send`).
   */
  signal?: AbortSignal;
}

type BodyKind = "json" | "text" | "stream" | "none" | "list";

interface RequestSpec {
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  ctx: RequestContext;
  read: boolean;
  /**
   * A pod-proxy request: a 502/503 without Retry-After comes from the pod
   * (not listening, not reachable), so it is not retried.
   */
  proxy?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  as: BodyKind;
  /** With `as: "list"`: receives each item as it is read (masked with `mask`). */
  onItem?: (item: unknown) => void;
  /** With `as: "list"`: the fields of each item to keep. */
  mask?: FieldMask;
}

/** The Kubernetes client. */
export class KubeClient implements Kube {
  /** Context name (`in-cluster` inside a pod). */
  readonly contextName: string;
  /** API server URL. */
  readonly server: string;
  /** Default namespace. */
  readonly namespace: string;
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
  /** Overall timeout of one request, ms (0: none). */
  readonly requestTimeoutMs: number;
  #requests: RequestRecord[] = [];
  #requestCount = 0;
  #creds: Credentials;
  #transports = new Map<string, Promise<Transport>>();
  #stderr: (line: string) => void;
  #verbose: boolean;
  #backoff: BackoffOptions;
  #watch: Required<WatchReconnectOptions>;
  #target: TargetContext;
  #session?: AbortSignal;
  #shielded = 0;

  /** Builds a client; prints a warning when TLS verification is off. Prefer `connect()`. */
  constructor(opts: KubeClientOptions) {
    this.config = opts.config;
    this.contextName = opts.config.contextName;
    this.server = opts.config.cluster.server;
    this.namespace = opts.namespace || "default";
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#creds = opts.credentials ?? new Credentials(opts.config);
    this.#stderr = opts.stderr ?? ((l) => console.error(l));
    this.#verbose = opts.verbose ?? false;
    this.#backoff = opts.backoff ?? {};
    this.#session = opts.signal;
    this.#watch = {
      baseMs: 500,
      maxMs: 8000,
      maxFailures: 8,
      healthyAfterMs: 5000,
      ...opts.watchReconnect,
    };
    this.#target = {
      contextName: this.contextName,
      server: this.server,
      caSource: opts.config.cluster.caSource,
      credentialKind: this.#creds.kind,
    };
    if (opts.config.cluster.insecureSkipTlsVerify) {
      this.#stderr(
        `WARNING: TLS certificate verification is DISABLED for cluster "${opts.config.clusterName}" ` +
          `(insecure-skip-tls-verify): the connection to ${this.server} can be intercepted. ` +
          `Set certificate-authority(-data) in the kubeconfig instead.`,
      );
    }
  }

  /** Every request made so far (the most recent 10,000). */
  get requests(): readonly RequestRecord[] {
    return this.#requests;
  }

  /** How many requests were made in total. */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** Releases pooled connections. */
  close(): void {
    for (const t of this.#transports.values()) t.then((x) => x.close(), () => {});
    this.#transports.clear();
  }

  // ---- reads ---------------------------------------------------------------

  /**
   * Lists objects, following `continue` tokens; all pages joined. The body
   * is read as it streams in, item by item; with `opts.fields` each item is
   * cut down to those fields before the next is read, so a large list is
   * never held whole (issue 24).
   */
  async list<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts: ListOptions = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = "";
    let limit = opts.limit;
    const base = resourcePath(r, { namespace: opts.namespace });
    const apiVersion = apiVersionOf(r);
    const kind = r.kind;
    const onItem = (o: unknown) => {
      const it = o as T;
      // List items carry no apiVersion/kind; fill them in like kubectl does.
      if (!it.apiVersion) it.apiVersion = apiVersion;
      if (!it.kind) it.kind = kind;
      items.push(it);
    };
    do {
      const path = withQuery(base, {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit,
        continue: cont,
      });
      let page: { metadata?: { resourceVersion?: string; continue?: string } };
      const before = items.length;
      try {
        page = await this.#send({
          method: "GET",
          path,
          ctx: this.#ctx("list", r, undefined, opts.namespace, path, true),
          read: true,
          as: "list",
          onItem,
          mask: opts.fields,
        }) as typeof page;
      } catch (e) {
        items.length = before;
        if (cont && e instanceof ApiError && e.status === 410) {
          // The continue token expired: start over without paging, as client-go's pager does.
          items.length = 0;
          cont = undefined;
          limit = undefined;
          continue;
        }
        throw e;
      }
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { items, resourceVersion: rv };
  }

  /** Gets one object. */
  get<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    name: string,
    namespace?: string,
  ): Promise<T> {
    const ns = this.#ns(r, namespace);
    const path = resourcePath(r, { namespace: ns, name });
    return this.#send({
      method: "GET",
      path,
      ctx: this.#ctx("get", r, name, ns, path),
      read: true,
      as: "json",
    }) as Promise<T>;
  }

  /** Gets the `/scale` subresource. */
  getScale(r: ResourceDescriptor, name: string, namespace?: string): Promise<Scale> {
    const ns = this.#ns(r, namespace);
    const path = resourcePath(r, { namespace: ns, name, subresource: "scale" });
    return this.#send({
      method: "GET",
      path,
      ctx: this.#ctx("get", r, name, ns, path, false, "scale"),
      read: true,
      as: "json",
    }) as Promise<Scale>;
  }

  /** Reads a container's log (`pods/log`). */
  logs(namespace: string, pod: string, opts: LogOptions = {}): Promise<string> {
    const path = withQuery(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      {
        container: opts.container,
        tailLines: opts.tailLines,
        sinceSeconds: opts.sinceSeconds,
        previous: opts.previous ? "true" : undefined,
        timestamps: opts.timestamps ? "true" : undefined,
      },
    );
    return this.#send({
      method: "GET",
      path,
      ctx: { verb: "get", resource: "pods/log", name: pod, namespace, method: "GET", path },
      read: true,
      as: "text",
    }) as Promise<string>;
  }

  /** GET through the pod proxy: `/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy{path}`. */
  proxyGet(
    namespace: string,
    pod: string,
    port: number,
    path: string,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<string> {
    const p = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${
      encodeURIComponent(pod)
    }:${port}/proxy${path.startsWith("/") ? path : `/${path}`}`;
    return this.#send({
      method: "GET",
      path: p,
      ctx: { verb: "get", resource: "pods/proxy", name: pod, namespace, method: "GET", path: p },
      read: true,
      proxy: true,
      as: "text",
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    }) as Promise<string>;
  }

  /** A raw GET of an API path, JSON-decoded (`/version`, `/apis`). */
  getRaw<T = unknown>(path: string): Promise<T> {
    return this.#send({
      method: "GET",
      path,
      ctx: { verb: "get", resource: path, method: "GET", path },
      read: true,
      as: "json",
    }) as Promise<T>;
  }

  // ---- writes --------------------------------------------------------------

  /** Creates an object (POST). */
  create<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    obj: T,
    opts: WriteOptions = {},
  ): Promise<T> {
    const ns = this.#ns(r, opts.namespace ?? obj.metadata?.namespace);
    const path = withQuery(resourcePath(r, { namespace: ns }), this.#writeQuery(opts));
    const body = { apiVersion: apiVersionOf(r), kind: r.kind, ...obj };
    return this.#send({
      method: "POST",
      path,
      body,
      ctx: this.#ctx("create", r, obj.metadata?.name, ns, path),
      read: false,
      as: "json",
    }) as Promise<T>;
  }

  /** Replaces an object (PUT); its `metadata.resourceVersion` is the precondition. */
  replace<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    obj: T,
    opts: WriteOptions = {},
  ): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new GroveError(`cannot replace a ${r.kind} without metadata.name`);
    const ns = this.#ns(r, opts.namespace ?? obj.metadata.namespace);
    const path = withQuery(resourcePath(r, { namespace: ns, name }), this.#writeQuery(opts));
    return this.#send({
      method: "PUT",
      path,
      body: { apiVersion: apiVersionOf(r), kind: r.kind, ...obj },
      ctx: this.#ctx("update", r, name, ns, path),
      read: false,
      as: "json",
    }) as Promise<T>;
  }

  /** Patches an object (merge, JSON, strategic merge or server-side apply). */
  patch<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    name: string,
    patch: unknown,
    type: PatchType,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<T> {
    const ns = this.#ns(r, opts.namespace);
    const q = this.#writeQuery(opts);
    const path = withQuery(
      resourcePath(r, { namespace: ns, name, subresource: opts.subresource }),
      q,
    );
    return this.#send({
      method: "PATCH",
      path,
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      ctx: this.#ctx("patch", r, name, ns, path, false, opts.subresource),
      read: false,
      as: "json",
    }) as Promise<T>;
  }

  /** Deletes an object, optionally with resourceVersion/uid preconditions. */
  async delete(
    r: ResourceDescriptor,
    name: string,
    opts: WriteOptions & { preconditions?: { resourceVersion?: string; uid?: string } } = {},
  ): Promise<void> {
    const ns = this.#ns(r, opts.namespace);
    const path = withQuery(resourcePath(r, { namespace: ns, name }), {
      dryRun: opts.dryRun ? "All" : undefined,
    });
    const body: Record<string, unknown> = { apiVersion: "v1", kind: "DeleteOptions" };
    if (opts.preconditions) body.preconditions = opts.preconditions;
    if (opts.dryRun) body.dryRun = ["All"];
    await this.#send({
      method: "DELETE",
      path,
      body,
      ctx: this.#ctx("delete", r, name, ns, path),
      read: false,
      as: "none",
    });
  }

  /** PUTs the `/scale` subresource; with `resourceVersion`, 409 when the object changed. */
  updateScale(
    r: ResourceDescriptor,
    name: string,
    replicas: number,
    opts: WriteOptions & { resourceVersion?: string } = {},
  ): Promise<Scale> {
    const ns = this.#ns(r, opts.namespace);
    const path = withQuery(
      resourcePath(r, { namespace: ns, name, subresource: "scale" }),
      this.#writeQuery(opts),
    );
    const metadata: Record<string, string> = { name };
    if (ns) metadata.namespace = ns;
    if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
    return this.#send({
      method: "PUT",
      path,
      body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata, spec: { replicas } },
      ctx: this.#ctx("update", r, name, ns, path, false, "scale"),
      read: false,
      as: "json",
    }) as Promise<Scale>;
  }

  // ---- watch ---------------------------------------------------------------

  /**
   * Watches from `resourceVersion` (or from now). Reconnects from the last
   * seen resourceVersion when the stream drops (bounded backoff); on 410 Gone
   * relists, yields `RELISTED`, and goes on watching. Ends when `signal` aborts.
   */
  async *watch<T extends KubeObject = KubeObject>(
    r: ResourceDescriptor,
    opts: WatchOptions = {},
  ): AsyncGenerator<WatchEvent<T>> {
    const signal = opts.signal;
    let rv = opts.resourceVersion;
    let failures = 0;
    const base = resourcePath(r, { namespace: opts.namespace });
    while (!signal?.aborted) {
      const path = withQuery(base, {
        watch: 1,
        resourceVersion: rv,
        allowWatchBookmarks: opts.allowBookmarks === false ? undefined : "true",
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      });
      let relist = false;
      let healthy = false;
      let lastError: unknown;
      const started = Date.now();
      try {
        const body = await this.#send({
          method: "GET",
          path,
          ctx: this.#ctx("watch", r, undefined, opts.namespace, path, true),
          read: true,
          as: "stream",
          signal,
        }) as ReadableStream<Uint8Array>;
        const reader = body.getReader();
        // Cancel the body as soon as the caller aborts, whatever fetch does with the signal.
        const onAbort = () => reader.cancel().catch(() => {});
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          for await (const line of ndjsonLines(reader)) {
            if (signal?.aborted) return;
            const ev = parseWatchLine(line);
            if (!ev) continue;
            if (ev.type === "ERROR") {
              const code = ev.object?.code;
              if (code === 410) {
                relist = true;
                break;
              }
              throw apiErrorFromResponse(
                code ?? 500,
                "",
                JSON.stringify(ev.object),
                undefined,
                this.#ctx("watch", r, undefined, opts.namespace, path, true),
                this.#target,
              );
            }
            healthy = true;
            if (ev.type === "BOOKMARK") {
              rv = ev.object?.metadata?.resourceVersion ?? rv;
              yield { type: "BOOKMARK", resourceVersion: rv ?? "" };
              continue;
            }
            if (ev.type === "ADDED" || ev.type === "MODIFIED" || ev.type === "DELETED") {
              const obj = (opts.fields ? applyMask(ev.object, opts.fields) : ev.object) as T;
              rv = obj.metadata?.resourceVersion ?? rv;
              if (!obj.apiVersion) obj.apiVersion = apiVersionOf(r);
              if (!obj.kind) obj.kind = r.kind;
              yield { type: ev.type, object: obj };
            }
          }
        } finally {
          signal?.removeEventListener("abort", onAbort);
          reader.cancel().catch(() => {});
        }
      } catch (e) {
        if (signal?.aborted) return;
        if (e instanceof ApiError && e.status === 410) relist = true;
        else if (e instanceof ApiError && e.status !== 429 && e.status < 500) throw e;
        else if (
          e instanceof GroveError && !(e instanceof ConnectionError) && !(e instanceof ApiError)
        ) throw e;
        else lastError = e;
      }
      if (signal?.aborted) return;
      if (relist) {
        const listed = await this.list<T>(r, {
          namespace: opts.namespace,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          fields: opts.fields,
        });
        rv = listed.resourceVersion;
        failures = 0;
        yield { type: "RELISTED", items: listed.items, resourceVersion: listed.resourceVersion };
        continue;
      }
      if (healthy || (!lastError && Date.now() - started >= this.#watch.healthyAfterMs)) {
        failures = 0;
        continue;
      }
      failures++;
      if (failures >= this.#watch.maxFailures) {
        if (lastError instanceof GroveError) throw lastError;
        throw new ConnectionError(
          `the watch of ${
            qualifiedName(r)
          } on context "${this.contextName}" (${this.server}) kept dropping (${failures} times in a row)`,
          {
            hint:
              "is the API server healthy? try again, or check a proxy or load balancer in between",
            cause: lastError,
          },
        );
      }
      const delay = Math.min(this.#watch.maxMs, this.#watch.baseMs * 2 ** (failures - 1));
      if (this.#verbose) {
        this.#stderr(`watch ${qualifiedName(r)} dropped; reconnecting in ${delay}ms`);
      }
      await sleep(delay * (0.5 + Math.random() / 2), signal);
      if (signal?.aborted) return; // aborted while waiting
    }
  }

  // ---- internals -----------------------------------------------------------

  #ns(r: ResourceDescriptor, ns: string | undefined): string | undefined {
    return r.namespaced ? ns || this.namespace : undefined;
  }

  #ctx(
    verb: string,
    r: ResourceDescriptor,
    name: string | undefined,
    namespace: string | undefined,
    path: string,
    collection = false,
    subresource?: string,
  ): RequestContext {
    return {
      verb,
      resource: subresource ? `${qualifiedName(r)}/${subresource}` : qualifiedName(r),
      name,
      namespace: r.namespaced ? namespace : undefined,
      method: verb === "create"
        ? "POST"
        : verb === "update"
        ? "PUT"
        : verb === "patch"
        ? "PATCH"
        : verb === "delete"
        ? "DELETE"
        : "GET",
      path,
      apiVersion: apiVersionOf(r),
      collection,
      namespaced: r.namespaced,
    };
  }

  #writeQuery(opts: WriteOptions): Record<string, string | undefined> {
    return {
      dryRun: opts.dryRun ? "All" : undefined,
      fieldManager: opts.fieldManager ?? FIELD_MANAGER,
      // like kubectl: an unknown or duplicate field is an error, never silently pruned
      fieldValidation: "Strict",
    };
  }

  #transportFor(auth: AuthState): Promise<Transport> {
    const key = auth.cert ? `${auth.cert}\n${auth.key}` : "";
    let t = this.#transports.get(key);
    if (!t) {
      const c = this.config.cluster;
      t = createTransport({
        caCerts: c.caCerts,
        cert: auth.cert,
        key: auth.key,
        insecure: c.insecureSkipTlsVerify,
        serverName: c.tlsServerName,
        proxyUrl: c.proxyUrl,
      });
      this.#transports.set(key, t);
    }
    return t;
  }

  #record(rec: RequestRecord): void {
    this.#requestCount++;
    this.#requests.push(rec);
    if (this.#requests.length > MAX_REQUEST_RECORDS) this.#requests.shift();
    if (this.#verbose) this.#stderr(`${rec.method} ${rec.path} ${rec.status || "ERR"} ${rec.ms}ms`);
  }

  /** Runs `fn` with the session signal held off (see {@link Kube.shield}). */
  async shield<T>(fn: () => Promise<T>): Promise<T> {
    this.#shielded++;
    try {
      return await fn();
    } finally {
      this.#shielded--;
    }
  }

  /** Sends one logical request with timeout, retries and error mapping. */
  async #send(spec: RequestSpec): Promise<unknown> {
    // The session signal (Ctrl-C) cuts off reads and server-side dry runs at once. A real write
    // is never cut off mid-flight: its outcome would be unknown; the caller checks the signal
    // before sending it and reports what was written after.
    const abortable = this.#shielded === 0 &&
      (spec.read || /[?&]dryRun=All\b/.test(spec.path));
    if (this.#session && abortable) {
      this.#session.throwIfAborted();
      spec = {
        ...spec,
        signal: spec.signal ? AbortSignal.any([spec.signal, this.#session]) : this.#session,
      };
    }
    const timeoutMs = spec.timeoutMs ?? this.requestTimeoutMs;
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
    const timeout = new AbortController();
    const timer = deadline !== undefined
      ? setTimeout(
        () => timeout.abort(new DOMException("request timed out", "TimeoutError")),
        timeoutMs,
      )
      : undefined;
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout.signal]) : timeout.signal;
    const maxAttempts = this.#backoff.maxAttempts ?? 6;
    let attempt = 0;
    let reauthed = false;
    const onTimeout = () =>
      connectionErrorFor({ kind: "timeout", detail: "" }, spec, this.#target, timeoutMs);
    try {
      while (true) {
        attempt++;
        const auth = await this.#creds.current();
        const transport = await this.#transportFor(auth);
        const headers: Record<string, string> = {
          Accept: "application/json",
          "Accept-Encoding": "gzip",
          "User-Agent": USER_AGENT,
          ...auth.headers,
        };
        let body: string | undefined;
        if (spec.body !== undefined) {
          body = JSON.stringify(spec.body);
          headers["Content-Type"] = spec.contentType ?? "application/json";
        }
        const t0 = performance.now();
        let resp: Response;
        try {
          resp = await transport.send({
            method: spec.method,
            url: this.server + spec.path,
            headers,
            body,
            signal,
          });
        } catch (e) {
          const ms = Math.round(performance.now() - t0);
          this.#record({ method: spec.method, path: spec.path, status: 0, ms });
          if (spec.signal?.aborted) throw spec.signal.reason ?? e;
          if (timeout.signal.aborted) throw onTimeout();
          const f = classifyNetworkError(e);
          if (
            shouldRetry(spec.read, { reset: f.kind === "reset" }) && attempt < maxAttempts &&
            this.#timeLeft(deadline, backoffDelay(attempt, undefined, this.#backoff))
          ) {
            await this.#pause(spec, attempt, undefined, `connection reset`, signal);
            continue;
          }
          throw connectionErrorFor(f, spec, this.#target, timeoutMs);
        }
        this.#record({
          method: spec.method,
          path: spec.path,
          status: resp.status,
          ms: Math.round(performance.now() - t0),
        });
        if (resp.ok) {
          try {
            switch (spec.as) {
              case "json":
                return await resp.json();
              case "list": {
                // A big list that keeps flowing is progress: from here the timeout bounds each
                // pause in the body, not the whole transfer (25,000 pods on a slow link).
                clearTimeout(timer);
                let stall: ReturnType<typeof setTimeout> | undefined;
                const arm = () => {
                  clearTimeout(stall);
                  if (timeoutMs > 0) {
                    stall = setTimeout(
                      () => timeout.abort(new DOMException("request timed out", "TimeoutError")),
                      timeoutMs,
                    );
                  }
                };
                arm();
                try {
                  return await readListStream(
                    resp.body ?? new ReadableStream(),
                    spec.onItem ?? (() => {}),
                    spec.mask,
                    arm,
                  );
                } finally {
                  clearTimeout(stall);
                }
              }
              case "text":
                return await resp.text();
              case "none":
                await resp.body?.cancel();
                return undefined;
              case "stream":
                clearTimeout(timer);
                return resp.body ?? new ReadableStream();
            }
          } catch (e) {
            if (spec.signal?.aborted) throw spec.signal.reason ?? e;
            if (timeout.signal.aborted) throw onTimeout();
            if (e instanceof SyntaxError) {
              throw new ConnectionError(
                `the API server ${this.server} (context "${this.contextName}") answered ${spec.method} ${spec.path} with something that is not JSON`,
                {
                  hint:
                    "is the server URL in the kubeconfig an API server (and not a proxy or web page)?",
                },
              );
            }
            throw connectionErrorFor(classifyNetworkError(e), spec, this.#target, timeoutMs);
          }
        }
        const text = await resp.text().catch(() => "");
        const retryAfter = parseRetryAfter(resp.headers.get("Retry-After"));
        if (resp.status === 401 && !reauthed && this.#creds.refreshable) {
          reauthed = true;
          this.#creds.invalidate();
          attempt--;
          continue;
        }
        const delay = backoffDelay(attempt, retryAfter, this.#backoff);
        if (
          shouldRetry(spec.read, { status: resp.status, retryAfterSeconds: retryAfter }) &&
          !(spec.proxy && (resp.status === 502 || resp.status === 503) &&
            retryAfter === undefined) &&
          attempt < maxAttempts && this.#timeLeft(deadline, delay)
        ) {
          await this.#pause(spec, attempt, retryAfter, String(resp.status), signal, delay);
          continue;
        }
        throw apiErrorFromResponse(
          resp.status,
          resp.statusText,
          text,
          retryAfter,
          spec.ctx,
          this.#target,
        );
      }
    } catch (e) {
      if (timeout.signal.aborted && !(e instanceof GroveError) && !spec.signal?.aborted) {
        throw onTimeout();
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  #timeLeft(deadline: number | undefined, delay: number): boolean {
    return deadline === undefined || Date.now() + delay < deadline;
  }

  async #pause(
    spec: RequestSpec,
    attempt: number,
    retryAfter: number | undefined,
    why: string,
    signal: AbortSignal,
    delay = backoffDelay(attempt, retryAfter, this.#backoff),
  ): Promise<void> {
    if (this.#verbose) {
      this.#stderr(
        `retrying ${spec.method} ${spec.path} in ${formatTimeout(delay)} (${why}, attempt ${
          attempt + 1
        })`,
      );
    }
    await sleep(delay, signal);
    signal.throwIfAborted();
  }
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};
