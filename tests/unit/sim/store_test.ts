import assert from "node:assert/strict";
import { SimStore, type StoreEvent } from "../../../lib/sim/store.ts";
import { StatusError } from "../../../lib/sim/status.ts";
import { GroveError } from "../../../lib/errors.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";

const pcs = (name: string, replicas = 1): KubeObject => ({
  apiVersion: "grove.io/v1alpha1",
  kind: "PodCliqueSet",
  metadata: { name, namespace: "ns" },
  spec: { replicas },
});

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e.code;
    throw e;
  }
  return 0;
}

Deno.test("store: global monotonically increasing resourceVersion, uid, creationTimestamp", () => {
  const s = new SimStore({ now: () => Date.parse("2026-01-01T00:00:00Z") });
  const a = s.create("pcs", pcs("a"));
  const b = s.create("podcliquesets", pcs("b"));
  assert.equal(a.metadata.resourceVersion, "1");
  assert.equal(b.metadata.resourceVersion, "2");
  assert.equal(s.resourceVersion, 2);
  assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.notEqual(a.metadata.uid, b.metadata.uid);
  assert.equal(a.metadata.creationTimestamp, "2026-01-01T00:00:00Z");
  assert.equal(a.metadata.generation, 1);
  assert.equal(code(() => s.create("pcs", pcs("a"))), 409, "AlreadyExists");
  const g = s.create("pcs", {
    ...pcs(""),
    metadata: { name: "", namespace: "ns", generateName: "x-" },
  });
  assert.match(g.metadata.name, /^x-[a-z0-9]{5}$/);
});

Deno.test("store: replace checks resourceVersion, bumps generation only on spec change", () => {
  const s = new SimStore();
  const a = s.create("pcs", pcs("a"));
  const labelled = s.replace("pcs", { ...a, metadata: { ...a.metadata, labels: { x: "1" } } });
  assert.equal(labelled.metadata.generation, 1);
  assert.equal(code(() => s.replace("pcs", a)), 409, "stale resourceVersion is a Conflict");
  const scaled = s.update("pcs", "ns", "a", (o) => {
    o.spec.replicas = 5;
  });
  assert.equal(scaled.metadata.generation, 2);
  assert.equal(scaled.metadata.uid, a.metadata.uid);
  assert.equal(code(() => s.update("pcs", "ns", "missing", () => {})), 404);
});

Deno.test("store: watch history; events since an rv; too old means undefined (410)", () => {
  const s = new SimStore({ historyLimit: 3 });
  s.load([pcs("a"), pcs("b")]);
  const start = s.resourceVersion;
  assert.deepEqual(s.eventsSince(start), []);
  assert.equal(s.eventsSince(start - 1), undefined, "before the load: expired");
  s.update("pcs", "ns", "a", (o) => void (o.spec.replicas = 2));
  s.remove("pcs", "ns", "b");
  const evs = s.eventsSince(start)!;
  assert.deepEqual(evs.map((e) => e.type), ["MODIFIED", "DELETED"]);
  assert.equal(evs[0].old!.spec.replicas, 1);
  for (let i = 0; i < 4; i++) s.create("pcs", pcs(`n${i}`));
  assert.equal(s.eventsSince(start), undefined, "history trimmed past start");
  assert.equal(s.eventsSince(s.resourceVersion - 3)!.length, 3);
  s.compact();
  assert.equal(s.eventsSince(s.resourceVersion - 1), undefined);
});

Deno.test("store: subscribers see every change; unsubscribe stops them", () => {
  const s = new SimStore();
  const seen: StoreEvent[] = [];
  const off = s.subscribe((e) => seen.push(e));
  s.put(pcs("a"));
  s.put(pcs("a", 2));
  s.delete("pcs", "ns", "a");
  off();
  s.put(pcs("b"));
  assert.deepEqual(seen.map((e) => `${e.type}:${e.resourceVersion}`), [
    "ADDED:1",
    "MODIFIED:2",
    "DELETED:3",
  ]);
});

Deno.test("store: finalizers defer deletion; owner references are garbage-collected", () => {
  const s = new SimStore();
  const owner = s.create("pcs", pcs("owner"));
  const ref = [{
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    name: "owner",
    uid: owner.metadata.uid!,
  }];
  s.create("pclq", {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    metadata: { name: "owner-0-a", namespace: "ns", ownerReferences: ref },
    spec: {},
  });
  s.create("pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "owner-0-a-xyz",
      namespace: "ns",
      ownerReferences: [{
        ...ref[0],
        kind: "PodClique",
        name: "owner-0-a",
        uid: s.get("pclq", "ns", "owner-0-a")!.metadata.uid!,
      }],
    },
    spec: { containers: [] },
  });
  s.delete("pcs", "ns", "owner");
  assert.equal(s.get("pclq", "ns", "owner-0-a"), undefined);
  assert.equal(s.get("pods", "ns", "owner-0-a-xyz"), undefined, "grandchildren too");

  const f = s.create("pcs", {
    ...pcs("fin"),
    metadata: { name: "fin", namespace: "ns", finalizers: ["x"] },
  });
  const marked = s.delete("pcs", "ns", "fin");
  assert.ok(marked.metadata.deletionTimestamp);
  assert.ok(s.get("pcs", "ns", "fin"));
  s.update("pcs", "ns", "fin", (o) => void (o.metadata.finalizers = []));
  assert.equal(s.get("pcs", "ns", "fin"), undefined, "gone once the last finalizer is removed");
  assert.ok(f);
  assert.equal(
    code(() => s.delete("pcs", "ns", "owner", { preconditions: { uid: "nope" } })),
    404,
  );
  s.create("pcs", pcs("p"));
  assert.equal(code(() => s.delete("pcs", "ns", "p", { preconditions: { uid: "nope" } })), 409);
  assert.equal(
    code(() => s.delete("pcs", "ns", "p", { preconditions: { resourceVersion: "1" } })),
    409,
  );
});

Deno.test("store: lists sorted by namespace/name, filtered by namespace; unknown kinds are clear errors", () => {
  const s = new SimStore();
  s.put({ ...pcs("b"), metadata: { name: "b", namespace: "z" } });
  s.put(pcs("c"));
  s.put(pcs("a"));
  assert.deepEqual(s.list("pcs").map((o) => o.metadata.name), ["a", "c", "b"]);
  assert.deepEqual(s.list("pcs", "z").map((o) => o.metadata.name), ["b"]);
  assert.throws(() => s.list("widgets"), GroveError);
  assert.throws(
    () => s.put({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    /cannot store example.com\/v1\/Widget "w"/,
  );
});
