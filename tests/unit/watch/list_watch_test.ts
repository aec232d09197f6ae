// lib/watch: the object cache and the list+watch engine, on a fake client.
import { assert, assertEquals, assertRejects } from "../../helpers/assert.ts";
import { ObjectCache } from "../../../lib/watch/cache.ts";
import { listWatch, type Snapshot } from "../../../lib/watch/list_watch.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { ApiError } from "../../../lib/errors.ts";
import { FakeKube } from "./_fake_kube.ts";

const obj = (name: string, rv: string, ns = "a"): KubeObject => ({
  metadata: {
    name,
    namespace: ns,
    uid: `uid-${ns}-${name}`,
    resourceVersion: rv,
    labels: { app: "x" },
  },
});

Deno.test("cache: add, modify, same-version no-op, delete, relist, sorted items", () => {
  const c = new ObjectCache();
  assert(c.replace([obj("b", "1"), obj("a", "1")]));
  assertEquals(c.items().map((o) => o.metadata.name), ["a", "b"]);
  assertEquals(c.apply({ type: "MODIFIED", object: obj("a", "1") }), false);
  assertEquals(c.apply({ type: "MODIFIED", object: obj("a", "2") }), true);
  assertEquals(c.apply({ type: "ADDED", object: obj("c", "3") }), true);
  assertEquals(c.apply({ type: "BOOKMARK", resourceVersion: "9" }), false);
  assertEquals(
    c.apply({ type: "DELETED", object: { metadata: { name: "b", namespace: "a" } } }),
    true,
  );
  assertEquals(c.size, 2);
  assertEquals(c.apply({ type: "DELETED", object: obj("zz", "1") }), false);
  assertEquals(
    c.apply({ type: "RELISTED", items: [obj("a", "2"), obj("c", "3")], resourceVersion: "10" }),
    false,
  );
  assertEquals(c.apply({ type: "RELISTED", items: [obj("a", "2")], resourceVersion: "11" }), true);
  assertEquals(c.items().map((o) => o.metadata.name), ["a"]);
});

function fake() {
  const k = new FakeKube("a");
  k.lists.set("podcliquesets", [obj("p1", "1")]);
  k.lists.set("pods", [obj("x", "1"), obj("y", "1")]);
  return k;
}

const targets = [
  { key: "pcs", resource: Resources.podcliquesets, options: { namespace: "a" } },
  { key: "pods", resource: Resources.pods, options: { namespace: "a", labelSelector: "app" } },
] as const;

Deno.test("listWatch: lists concurrently, first snapshot, then watches from each list's resourceVersion", async () => {
  const k = fake();
  const ac = new AbortController();
  const it = listWatch(k, targets, { signal: ac.signal, debounceMs: 5 });
  const first = (await it.next()).value as Snapshot<"pcs" | "pods">;
  assertEquals(first.sequence, 0);
  assertEquals(first.changed, ["pcs", "pods"]);
  assertEquals(first.objects.pods.map((o) => o.metadata.name), ["x", "y"]);
  assertEquals(k.maxInFlight, 2);
  assertEquals(k.calls.map((c) => c.options.labelSelector), [undefined, "app"]);
  const next = it.next();
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(
    k.watches.map((w) => [w.plural, w.resourceVersion]),
    [["podcliquesets", first.resourceVersions.pcs], ["pods", first.resourceVersions.pods]],
  );
  k.emit("pods", { type: "DELETED", object: obj("x", "2") });
  const second = (await next).value as Snapshot<"pcs" | "pods">;
  assertEquals(second.sequence, 1);
  assertEquals(second.changed, ["pods"]);
  assertEquals(second.objects.pods.map((o) => o.metadata.name), ["y"]);
  ac.abort();
  assertEquals((await it.next()).done, true);
});

Deno.test("listWatch: a burst of events gives one debounced snapshot; no-op events give none", async () => {
  const k = fake();
  const ac = new AbortController();
  const it = listWatch(k, targets, { signal: ac.signal, debounceMs: 30 });
  await it.next();
  const next = it.next();
  k.emit("pods", { type: "MODIFIED", object: obj("x", "1") }); // same version: no change
  k.emit("pods", { type: "ADDED", object: obj("z", "5") });
  k.emit("podcliquesets", { type: "MODIFIED", object: obj("p1", "6") });
  k.emit("pods", { type: "MODIFIED", object: obj("y", "7") });
  const s = (await next).value as Snapshot<"pcs" | "pods">;
  assertEquals(s.sequence, 1);
  assertEquals(s.changed, ["pcs", "pods"]);
  assertEquals(s.objects.pods.length, 3);
  ac.abort();
  await it.return(undefined);
});

Deno.test("listWatch: RELISTED (after 410) replaces the cache and records the new resourceVersion", async () => {
  const k = fake();
  const ac = new AbortController();
  const it = listWatch(k, targets, { signal: ac.signal, debounceMs: 1 });
  await it.next();
  const next = it.next();
  k.emit("pods", { type: "RELISTED", items: [obj("q", "50")], resourceVersion: "50" });
  const s = (await next).value as Snapshot<"pcs" | "pods">;
  assertEquals(s.objects.pods.map((o) => o.metadata.name), ["q"]);
  assertEquals(s.resourceVersions.pods, "50");
  ac.abort();
  await it.return(undefined);
});

Deno.test("listWatch: initial lists given by the caller are not listed again", async () => {
  const k = fake();
  const ac = new AbortController();
  const it = listWatch(k, targets, {
    signal: ac.signal,
    initial: { pcs: { items: [obj("given", "1")], resourceVersion: "7" } },
  });
  const s = (await it.next()).value as Snapshot<"pcs" | "pods">;
  assertEquals(s.objects.pcs.map((o) => o.metadata.name), ["given"]);
  assertEquals(k.calls.map((c) => c.plural), ["pods"]);
  ac.abort();
  await it.return(undefined);
});

Deno.test("listWatch: an unrecoverable watch error is thrown from the generator", async () => {
  const k = fake();
  const it = listWatch(k, targets, { debounceMs: 1 });
  await it.next();
  const next = it.next();
  k.failWatch(
    "pods",
    new ApiError({ status: 403, reason: "Forbidden", verb: "watch", resource: "pods" }),
  );
  const e = await assertRejects(() => next, ApiError);
  assertEquals(e.status, 403);
});

Deno.test("listWatch: leaving the loop stops every watch", async () => {
  const k = fake();
  let n = 0;
  const done = (async () => {
    for await (const _ of listWatch(k, targets, { debounceMs: 1 })) {
      n++;
      if (n === 2) break;
      k.emit("pods", { type: "ADDED", object: obj("new", "9") });
    }
  })();
  await done;
  assertEquals(n, 2);
});
