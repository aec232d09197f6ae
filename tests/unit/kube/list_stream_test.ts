import { assertEquals, assertRejects, assertThrows } from "../../helpers/assert.ts";
import { applyMask, ListItemSplitter, readListStream } from "../../../lib/kube/list_stream.ts";

const enc = new TextEncoder();

/** Items with everything that could confuse a scanner: escapes, brackets in strings, nesting, unicode. */
const ITEMS = [
  {
    metadata: { name: "a", labels: { "x/y": "}]{[" } },
    spec: { args: ["--q", '"quoted"', "back\\slash\\"] },
  },
  {
    metadata: { name: "b\u00e9\u4e2d\ud83d\ude00" },
    status: { conditions: [[], [{}], { a: [1, 2, { b: null }] }] },
  },
  {
    metadata: { name: "c", annotations: { items: "[not the list]", 'k\\"': "\\\\" } },
    n: -1.5e3,
    t: true,
  },
];

function splitAll(
  body: string,
  cuts: number[],
): { items: unknown[]; head: Record<string, unknown> } {
  const bytes = enc.encode(body);
  const items: unknown[] = [];
  const s = new ListItemSplitter((json) => items.push(JSON.parse(json)));
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    s.push(bytes.subarray(from, c));
    from = c;
  }
  return { items, head: s.end() };
}

Deno.test("list stream: items handed over one by one whatever the chunk boundaries", () => {
  const list = {
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: "42", continue: 'tok"en' },
    items: ITEMS,
  };
  const body = JSON.stringify(list, null, 1); // whitespace between tokens too
  const expectedHead = { ...list, items: [] };
  // every single cut position, and every byte on its own
  for (let cut = 0; cut <= enc.encode(body).length; cut++) {
    const { items, head } = splitAll(body, [cut]);
    assertEquals(items, ITEMS, `cut at ${cut}`);
    assertEquals(head, expectedHead, `cut at ${cut}`);
  }
  const bytes = enc.encode(body).length;
  const { items, head } = splitAll(body, Array.from({ length: bytes }, (_, i) => i));
  assertEquals(items, ITEMS);
  assertEquals(head, expectedHead);
});

Deno.test("list stream: `items` after metadata or before it, empty, null; nested `items` keys are not the list", () => {
  const a = splitAll(`{"items":[{"items":[1]}],"metadata":{"items":[2]}}`, [3, 11]);
  assertEquals(a.items, [{ items: [1] }]);
  assertEquals(a.head, { items: [], metadata: { items: [2] } });
  assertEquals(splitAll(`{"metadata":{},"items":[]}`, []).items, []);
  const n = splitAll(`{"metadata":{},"items":null}`, [5]);
  assertEquals(n.items, []);
  assertEquals(n.head, { metadata: {}, items: null });
  // a value "items" (not a key) followed by an array is not the list either
  const v = splitAll(`{"kind":"items","x":[{"a":1}],"items":[{"b":2}]}`, []);
  assertEquals(v.items, [{ b: 2 }]);
});

Deno.test("list stream: a truncated or non-object body is a SyntaxError", () => {
  const s = new ListItemSplitter(() => {});
  s.push(enc.encode(`{"items":[{"a":1},{"b":`));
  assertThrows(() => s.end(), SyntaxError);
  const t = new ListItemSplitter(() => {});
  t.push(enc.encode(`[1,2]`));
  assertThrows(() => t.end(), SyntaxError);
  const u = new ListItemSplitter(() => {});
  u.push(enc.encode(`<html>`));
  assertThrows(() => u.end(), SyntaxError);
});

Deno.test("list stream: readListStream masks each item and returns the head", async () => {
  const body = new Response(
    JSON.stringify({ metadata: { resourceVersion: "7" }, items: [{ a: 1, b: { c: 2, d: 3 } }] }),
  ).body!;
  const got: unknown[] = [];
  const head = await readListStream(body, (o) => got.push(o), { b: { c: true } });
  assertEquals(got, [{ b: { c: 2 } }]);
  assertEquals(head, { metadata: { resourceVersion: "7" }, items: [] });
  await assertRejects(
    () => readListStream(new Response(`{"items":[{"a":`).body!, () => {}),
    SyntaxError,
  );
});

Deno.test("field masks: keep, drop, rest, arrays element by element", () => {
  const pod = {
    metadata: { name: "p", managedFields: [{ x: 1 }], annotations: { keep: "1", drop: "2" } },
    spec: { containers: [{ name: "c", env: [{ name: "E" }], image: "i" }, { name: "d" }] },
    status: { phase: "Running", podIPs: [{ ip: "1" }] },
  };
  const mask = {
    metadata: { "*": true, managedFields: false, annotations: { "*": true, drop: false } },
    spec: { containers: { name: true, image: true } },
    status: { "*": true, podIPs: false },
    absent: true,
  };
  assertEquals(applyMask(structuredClone(pod), mask), {
    metadata: { name: "p", annotations: { keep: "1" } },
    spec: { containers: [{ name: "c", image: "i" }, { name: "d" }] },
    status: { phase: "Running" },
  });
  // scalars and null pass through; a mask on a scalar keeps the scalar
  assertEquals(applyMask({ a: null, b: 3, c: "x" }, { a: true, b: { z: true }, c: true }), {
    a: null,
    b: 3,
    c: "x",
  });
});
