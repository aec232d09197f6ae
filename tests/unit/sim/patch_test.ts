import assert from "node:assert/strict";
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  PatchError,
} from "../../../lib/sim/patch.ts";

Deno.test("merge patch (RFC 7386): objects merge, null deletes, arrays replace", () => {
  const doc = { a: 1, b: { c: 2, d: 3 }, list: [1, 2] };
  const out = applyMergePatch(doc, { b: { c: null, e: 4 }, list: [9], f: "x" });
  assert.deepEqual(out, { a: 1, b: { d: 3, e: 4 }, list: [9], f: "x" });
  assert.deepEqual(doc, { a: 1, b: { c: 2, d: 3 }, list: [1, 2] }, "input unchanged");
});

Deno.test("JSON patch (RFC 6902): add, remove, replace, move, copy, test", () => {
  const doc = { spec: { replicas: 1, list: ["a", "b"] }, metadata: { labels: { "a/b": "1" } } };
  const out = applyJsonPatch(doc, [
    { op: "replace", path: "/spec/replicas", value: 3 },
    { op: "add", path: "/spec/list/-", value: "c" },
    { op: "add", path: "/spec/list/0", value: "z" },
    { op: "remove", path: "/spec/list/1" },
    { op: "copy", from: "/spec/replicas", path: "/spec/copied" },
    { op: "move", from: "/spec/copied", path: "/spec/moved" },
    { op: "test", path: "/metadata/labels/a~1b", value: "1" },
  ]);
  assert.deepEqual(out.spec, { replicas: 3, list: ["z", "b", "c"], moved: 3 });
  assert.equal(doc.spec.replicas, 1, "input unchanged");
});

Deno.test("JSON patch: failures are PatchErrors with the path", () => {
  assert.throws(() => applyJsonPatch({}, { op: "add" }), /must be an array/);
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: "remove", path: "/b" }]), PatchError);
  assert.throws(
    () => applyJsonPatch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }]),
    /testing value \/a failed/,
  );
  assert.throws(
    () => applyJsonPatch({ a: [1] }, [{ op: "replace", path: "/a/5", value: 2 }]),
    /out of bounds/,
  );
  assert.throws(
    () => applyJsonPatch({}, [{ op: "add", path: "/x/y", value: 1 }]),
    /does not exist/,
  );
  assert.throws(() => applyJsonPatch({}, [{ op: "frobnicate", path: "/x" }]), /Unexpected kind/);
});

Deno.test("strategic merge patch: lists merge by key, directives work", () => {
  const pod = {
    metadata: { finalizers: ["a"] },
    spec: {
      containers: [
        { name: "main", image: "v1", env: [{ name: "A", value: "1" }] },
        { name: "side", image: "s1" },
      ],
      tolerations: [{ key: "gpu", operator: "Exists" }],
    },
  };
  const out = applyStrategicMergePatch(pod, {
    metadata: { finalizers: ["b"] },
    spec: {
      containers: [
        { name: "main", image: "v2", env: [{ name: "B", value: "2" }] },
        { name: "side", $patch: "delete" },
        { name: "new", image: "n1" },
      ],
    },
  });
  assert.deepEqual(out.metadata.finalizers, ["a", "b"]);
  assert.deepEqual(out.spec.containers, [
    { name: "main", image: "v2", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] },
    { name: "new", image: "n1" },
  ]);
  assert.deepEqual(out.spec.tolerations, pod.spec.tolerations);
  const replaced = applyStrategicMergePatch(pod, {
    spec: { containers: [{ $patch: "replace" }, { name: "only", image: "o" }] },
  });
  assert.deepEqual(replaced.spec.containers, [{ name: "only", image: "o" }]);
  const del = applyStrategicMergePatch(pod, {
    metadata: { $deleteFromPrimitiveList: undefined, "$deleteFromPrimitiveList/finalizers": ["a"] },
  });
  assert.deepEqual(del.metadata.finalizers, []);
});
