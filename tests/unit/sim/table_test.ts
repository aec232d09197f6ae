import assert from "node:assert/strict";
import { yamlLoad } from "../../../lib/deps.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { FaultInjector, prng } from "../../../lib/sim/faults.ts";
import { jsonPath } from "../../../lib/sim/jsonpath.ts";
import { GROVE_PRINTER_COLUMNS, humanDuration, toTable } from "../../../lib/sim/table.ts";

Deno.test("humanDuration matches Kubernetes' ages", () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  assert.equal(humanDuration(5 * s), "5s");
  assert.equal(humanDuration(119 * s), "119s");
  assert.equal(humanDuration(5 * m + 2 * s), "5m2s");
  assert.equal(humanDuration(5 * m), "5m");
  assert.equal(humanDuration(120 * m), "120m");
  assert.equal(humanDuration(4 * h + 30 * m), "4h30m");
  assert.equal(humanDuration(30 * h), "30h");
  assert.equal(humanDuration(3 * d + 4 * h), "3d4h");
  assert.equal(humanDuration(40 * d), "40d");
  assert.equal(humanDuration(-500), "0s");
});

Deno.test("jsonPath: fields, [*], [n] and filters", () => {
  const o = {
    spec: { levels: [{ domain: "zone" }, { domain: "rack" }] },
    status: {
      conditions: [{ type: "A", status: "False" }, {
        type: "MinAvailableBreached",
        status: "True",
      }],
    },
  };
  assert.deepEqual(jsonPath(o, ".spec.levels[*].domain"), ["zone", "rack"]);
  assert.deepEqual(jsonPath(o, ".spec.levels[1].domain"), ["rack"]);
  assert.deepEqual(
    jsonPath(o, '.status.conditions[?(@.type=="MinAvailableBreached")].status'),
    ["True"],
  );
  assert.deepEqual(jsonPath(o, ".status.missing"), []);
});

Deno.test("the Grove printer columns are the CRDs' additionalPrinterColumns", async () => {
  const files: Record<string, string> = {
    PodCliqueSet: "grove.io_podcliquesets.yaml",
    PodClique: "grove.io_podcliques.yaml",
    PodCliqueScalingGroup: "grove.io_podcliquescalinggroups.yaml",
    ClusterTopologyBinding: "grove.io_clustertopologybindings.yaml",
    PodGang: "scheduler.grove.io_podgangs.yaml",
  };
  for (const [kind, file] of Object.entries(files)) {
    const text = await Deno.readTextFile(
      new URL(`../../../fixtures/_crds/${file}`, import.meta.url),
    );
    // deno-lint-ignore no-explicit-any
    const crd = yamlLoad(text) as any;
    const cols = crd.spec.versions[0].additionalPrinterColumns.map((
      c: { name: string; type: string; jsonPath: string; priority?: number },
    ) => ({ name: c.name, type: c.type, jsonPath: c.jsonPath, priority: c.priority }));
    assert.deepEqual(
      GROVE_PRINTER_COLUMNS[kind].map((c) => ({ ...c, priority: c.priority })),
      cols,
      kind,
    );
  }
});

Deno.test("toTable: pod rows like kubectl get pods", () => {
  const now = Date.parse("2026-01-10T12:00:00Z");
  const pod = {
    metadata: { name: "p", creationTimestamp: "2026-01-10T11:00:00Z" },
    spec: { nodeName: "n1", containers: [{ name: "a" }, { name: "b" }] },
    status: {
      phase: "Running",
      podIP: "10.0.0.1",
      containerStatuses: [
        { name: "a", ready: true, restartCount: 0, state: { running: {} } },
        {
          name: "b",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { finishedAt: "2026-01-10T11:58:00Z" } },
        },
      ],
    },
  };
  const t = toTable(Resources.pods, [pod], { now });
  assert.deepEqual(t.columnDefinitions.map((c) => c.name).slice(0, 5), [
    "Name",
    "Ready",
    "Status",
    "Restarts",
    "Age",
  ]);
  assert.deepEqual(t.rows[0].cells.slice(0, 7), [
    "p",
    "1/2",
    "CrashLoopBackOff",
    "3 (2m ago)",
    "60m",
    "10.0.0.1",
    "n1",
  ]);
  assert.equal((t.rows[0].object as { kind: string }).kind, "PartialObjectMetadata");
});

Deno.test("faults: the PRNG is deterministic and the error rate is honoured", () => {
  const a = prng(7), b = prng(7);
  for (let i = 0; i < 5; i++) assert.equal(a(), b());
  const f = new FaultInjector({ errorRate: 0.3, errorStatuses: [429], seed: 3 });
  let n = 0;
  for (let i = 0; i < 1000; i++) {
    const e = f.error("/api/v1/pods");
    if (e) {
      n++;
      assert.equal(e.status, 429);
      assert.equal(e.retryAfterSeconds, 1);
    }
  }
  assert.ok(n > 250 && n < 350, `${n} errors in 1000`);
  f.set({ errorRate: 1, errorStatuses: [500], pathPattern: /podcliquesets/ });
  assert.equal(f.error("/api/v1/pods"), undefined);
  assert.deepEqual(f.error("/apis/grove.io/v1alpha1/podcliquesets"), {
    status: 500,
    retryAfterSeconds: undefined,
  });
  f.set({ latencyMs: 50 });
  assert.equal(f.latency("/x"), 50);
});
