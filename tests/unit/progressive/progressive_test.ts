// Pure parts of progressive rollouts: state annotation, batch planning, gates.
import { assertEquals, assertStringIncludes, assertThrows } from "../../helpers/assert.ts";
import {
  advance,
  checkNoOther,
  initialState,
  readState,
  withState,
} from "../../../tasks/progressive/state.ts";
import {
  chooseCanary,
  type Constraint,
  domainOrder,
  planBatches,
  type Unit,
} from "../../../tasks/progressive/plan.ts";
import { evaluateGates } from "../../../tasks/progressive/gates.ts";
import type { PodCliqueSet } from "../../../lib/grove/types.ts";
import type { WindowStats } from "../../../lib/metrics/snapshot.ts";

const pcs: PodCliqueSet = { metadata: { name: "d" }, spec: { template: { cliques: [] } } };
const base = initialState({
  kind: "gated",
  image: "x:2",
  cliques: ["w"],
  fromHash: "a",
  toHash: "b",
  stableHashes: { "d-0-w": ["h1"] },
  batchSize: 1,
}, new Date("2026-11-01T12:00:00Z"));

Deno.test("state: round trip through the annotation, transitions move updatedAt", () => {
  const p = withState(pcs, base);
  assertEquals(readState(p), base);
  const s2 = advance(base, { batch: 1 }, new Date("2026-11-01T12:01:00Z"));
  assertEquals([s2.batch, s2.updatedAt, s2.startedAt], [1, "2026-11-01T12:01:00Z", base.startedAt]);
  assertEquals(readState(withState(p, undefined)), undefined);
});

Deno.test("state: a damaged annotation and a second rollout are clear errors", () => {
  const bad = withState(pcs, undefined);
  bad.metadata.annotations = { "kubectl-grove.io/rollout-state": "{nope" };
  assertStringIncludes(
    assertThrows(() => readState(bad)).message,
    "not a kubectl-grove rollout state",
  );
  const p = withState(pcs, base);
  assertEquals(checkNoOther(p, { kind: "gated", image: "x:2" }), base);
  const e = assertThrows(() => checkNoOther(p, { kind: "canary", image: "x:3" }));
  assertStringIncludes((e as Error).message, "already has a progressive rollout");
});

const unit = (id: string, constraint: string, domain = "r1", ready = true): Unit => ({
  id,
  role: "w",
  roleNames: ["w"],
  constraint,
  pods: [],
  domain,
  ready,
  keepsPlacement: true,
  createdAt: "",
  slot: id,
});
const C = (key: string, replicas: number, min: number): Constraint => ({
  key,
  replicas,
  minAvailable: min,
  maxDown: replicas - min,
});

Deno.test("plan: batches never take a constraint below minAvailable", () => {
  const us = [
    unit("a", "clique/c"),
    unit("b", "clique/c"),
    unit("g0", "group/g"),
    unit("g1", "group/g"),
  ];
  const b = planBatches(us, [C("clique/c", 2, 1), C("group/g", 2, 1)], 3);
  assertEquals(b.map((x) => x.map((u) => u.id)), [["a", "g0"], ["b", "g1"]]);
  // not-ready units cost nothing
  const nr = planBatches([unit("a", "clique/c", "r1", false), unit("b", "clique/c")], [
    C("clique/c", 2, 1),
  ], 2);
  assertEquals(nr.map((x) => x.map((u) => u.id)), [["a", "b"]]);
  assertEquals(
    domainOrder([unit("x", "c", "<none>"), unit("y", "c", "r2"), unit("z", "c", "r1")]),
    [
      "r1",
      "r2",
      "<none>",
    ],
  );
});

Deno.test("plan: a canary larger than the role is refused", () => {
  const us = [unit("a", "clique/c"), unit("b", "clique/c")];
  assertEquals(chooseCanary("d", us, 1, "w").map((u) => u.id), ["a"]);
  assertStringIncludes(
    assertThrows(() => chooseCanary("d", us, 3, "w")).message,
    "larger than role",
  );
  assertStringIncludes(
    assertThrows(() => chooseCanary("d", us, 1, "nope")).message,
    'no pods of role "nope"',
  );
});

function win(ttftSec: number, n: number): WindowStats {
  const buckets = [{ le: ttftSec, count: n }, { le: Infinity, count: n }];
  return {
    seconds: 1,
    reset: false,
    latency: {},
    deltas: { ttft: { labels: {}, buckets, count: n, sum: n * ttftSec } },
    promptTokensPerSec: null,
    generationTokensPerSec: null,
    running: null,
    waiting: null,
    kvUsage: null,
  };
}

Deno.test("gates: measured against threshold; nothing measured fails", () => {
  const ok = evaluateGates({ ttftP99Ms: 600, windowMs: 1000 }, { p: win(0.5, 10) });
  assertEquals(ok[0].pass, true);
  const bad = evaluateGates({ ttftP99Ms: 400, windowMs: 1000 }, { p: win(0.5, 10) });
  assertEquals([bad[0].pass, bad[0].measuredMs! > 400], [false, true]);
  const none = evaluateGates({ tpotP99Ms: 20, windowMs: 1000 }, { p: win(0.5, 10) });
  assertEquals([none[0].gate, none[0].pass, none[0].measuredMs], ["tpot-p99", false, null]);
});

Deno.test("runsSpec: images, commands, args and the template's env decide; the operator's extra env does not", async () => {
  const { runsSpec } = await import("../../../tasks/progressive/plan.ts");
  const spec = {
    containers: [{
      name: "vllm",
      image: "vllm:1",
      args: ["--tp", "4"],
      env: [{ name: "A", value: "1" }],
    }],
  };
  const pod = (c: Record<string, unknown>) =>
    ({ metadata: { name: "p" }, spec: { containers: [{ name: "vllm", ...c }] } }) as never;
  const base = { image: "vllm:1", args: ["--tp", "4"], env: [{ name: "A", value: "1" }] };
  if (
    !runsSpec(pod({ ...base, env: [...base.env, { name: "GROVE_PCS_NAME", value: "x" }] }), spec)
  ) {
    throw new Error("extra operator env must not matter");
  }
  for (
    const bad of [{ image: "vllm:2" }, { args: ["--tp", "8"] }, {
      env: [{ name: "A", value: "2" }],
    }]
  ) {
    if (runsSpec(pod({ ...base, ...bad }), spec)) {
      throw new Error(`must differ: ${JSON.stringify(bad)}`);
    }
  }
  if (runsSpec(pod(base), undefined)) throw new Error("no spec: not on target");
});
