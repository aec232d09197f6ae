/**
 * Watch streams of the simulated API server: newline-delimited JSON events
 * (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) with the API server's
 * resourceVersion semantics: no or "0" resourceVersion starts with synthetic
 * ADDED events of the current state, a resourceVersion older than the history
 * ends with a 410 Expired ERROR event, `allowWatchBookmarks` adds periodic
 * bookmarks, `sendInitialEvents` ends the initial state with the
 * `k8s.io/initial-events-end` bookmark, `timeoutSeconds` closes the stream.
 *
 * @module
 */

import { apiVersionOf } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { type ApiTarget, jsonOf, type SimContext } from "./context.ts";
import { type HandlerRequest, matches, parseFilters, wantsTable } from "./crud.ts";
import type { StoreEvent } from "./store.ts";
import { badRequest, expired } from "./status.ts";
import { toTable } from "./table.ts";

const enc = new TextEncoder();

/** GET with `watch=true` (or the legacy `/watch/` path). */
export function handleWatch(ctx: SimContext, t: ApiTarget, req: HandlerRequest): Response {
  const { r } = t;
  const url = req.url;
  const f = parseFilters(r, url);
  if (t.name) f.fields.push({ field: "metadata.name", op: "=", value: t.name });
  const rvParam = url.searchParams.get("resourceVersion") ?? "";
  const bookmarks = ["true", "1"].includes(url.searchParams.get("allowWatchBookmarks") ?? "");
  const sendInitial = url.searchParams.get("sendInitialEvents") === "true";
  const timeoutSeconds = Number(url.searchParams.get("timeoutSeconds") ?? 0);
  const table = wantsTable(req.headers);
  let rv: number | undefined;
  if (rvParam !== "" && rvParam !== "0") {
    rv = Number(rvParam);
    if (!Number.isFinite(rv)) throw badRequest(`invalid resource version: "${rvParam}"`);
  }
  const inScope = (o: KubeObject) =>
    !t.namespace || !r.namespaced || o.metadata.namespace === t.namespace;
  let first = true;
  const encode = (type: string, obj: KubeObject): string => {
    if (!table) return `{"type":"${type}","object":${jsonOf(obj)}}\n`;
    const tb = toTable(r, [obj], {
      now: ctx.now(),
      resourceVersion: obj.metadata.resourceVersion,
      withColumns: first,
    });
    first = false;
    return JSON.stringify({ type, object: tb }) + "\n";
  };
  const bookmark = (annotations?: Record<string, string>): string => {
    const md: Record<string, unknown> = { resourceVersion: String(ctx.store.resourceVersion) };
    if (annotations) md.annotations = annotations;
    return JSON.stringify({
      type: "BOOKMARK",
      object: { kind: r.kind, apiVersion: apiVersionOf(r), metadata: md },
    }) + "\n";
  };
  /** The event a store change means for this watch, or undefined. */
  const translate = (e: StoreEvent): string | undefined => {
    if (e.resource !== r) return undefined;
    const nowIn = inScope(e.object) && matches(f, e.object);
    const wasIn = e.old ? inScope(e.old) && matches(f, e.old) : false;
    if (e.type === "DELETED") return wasIn || nowIn ? encode("DELETED", e.object) : undefined;
    if (e.type === "ADDED") return nowIn ? encode("ADDED", e.object) : undefined;
    if (nowIn && wasIn) return encode("MODIFIED", e.object);
    if (nowIn) return encode("ADDED", e.object);
    if (wasIn) return encode("DELETED", e.object);
    return undefined;
  };

  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const timers: ReturnType<typeof setTimeout>[] = [];
      const send = (s: string) => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(s));
        } catch {
          close();
        }
      };
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        for (const id of timers) clearTimeout(id), clearInterval(id);
        ctx.watches.delete(close);
        try {
          controller.close();
        } catch { /* already closed */ }
      };
      cleanup = close;
      ctx.watches.add(close);
      // subscribe first so that nothing falls between the replay and the live events
      const pending: string[] = [];
      let live = false;
      const unsubscribe = ctx.store.subscribe((e) => {
        const s = translate(e);
        if (s === undefined) return;
        if (live) send(s);
        else pending.push(s);
      });
      if (rv === undefined || sendInitial) {
        for (const o of ctx.store.list(r, t.namespace)) {
          if (matches(f, o)) send(encode("ADDED", o));
        }
        if (sendInitial) send(bookmark({ "k8s.io/initial-events-end": "true" }));
      } else {
        const events = ctx.store.eventsSince(rv, r);
        if (events === undefined) {
          const err = expired(rv, ctx.store.oldestResourceVersion).body;
          send(JSON.stringify({ type: "ERROR", object: err }) + "\n");
          close();
          return;
        }
        for (const e of events) {
          const s = translate(e);
          if (s !== undefined) send(s);
        }
      }
      for (const s of pending) send(s);
      live = true;
      if (bookmarks) {
        timers.push(setInterval(() => send(bookmark()), ctx.bookmarkIntervalMs));
      }
      if (timeoutSeconds > 0) timers.push(setTimeout(close, timeoutSeconds * 1000));
      const drop = ctx.faults.dropWatchAfterMs;
      if (drop !== undefined && drop > 0) timers.push(setTimeout(close, drop));
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-cache" },
  });
}
