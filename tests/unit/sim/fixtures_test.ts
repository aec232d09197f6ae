import assert from "node:assert/strict";
import { GroveError } from "../../../lib/errors.ts";
import { listScenarios, loadScenario } from "../../../lib/sim/fixtures.ts";
import {
  shiftTextTimestamps,
  shiftTimestamp,
  shiftTimestamps,
} from "../../../lib/sim/time_shift.ts";

const MINI = new URL("./testdata/mini", import.meta.url).pathname;

Deno.test("time shift keeps the format and precision of each timestamp", () => {
  const h = 3_600_000;
  assert.equal(shiftTimestamp("2026-01-10T12:00:00Z", h), "2026-01-10T13:00:00Z");
  assert.equal(shiftTimestamp("2026-01-10T12:00:00.123456Z", h), "2026-01-10T13:00:00.123456Z");
  assert.equal(shiftTimestamp("2026-01-10T12:00:00.5Z", h), "2026-01-10T13:00:00.5Z");
  assert.equal(shiftTimestamp("2026-01-10T12:00:00+02:00", h), "2026-01-10T11:00:00Z");
  assert.equal(shiftTimestamp("not a time", h), "not a time");
  assert.equal(shiftTimestamp("4h", h), "4h");
  const o = { a: ["2026-01-10T12:00:00Z"], b: { c: "x", d: 1 } };
  assert.deepEqual(shiftTimestamps(o, h), { a: ["2026-01-10T13:00:00Z"], b: { c: "x", d: 1 } });
  assert.equal(
    shiftTextTimestamps('2026-01-10T12:00:00Z start {"ts":"2026-01-10T12:00:01.5Z"}', h),
    '2026-01-10T13:00:00Z start {"ts":"2026-01-10T13:00:01.5Z"}',
  );
});

Deno.test("loadScenario reads a directory: objects, logs, metrics in order, meta", async () => {
  const s = await loadScenario(MINI, { shiftTimes: false });
  assert.equal(s.meta.namespace, "inference");
  assert.equal(s.shiftMs, 0);
  const kinds = new Set(s.objects.map((o) => o.kind));
  for (const k of ["PodCliqueSet", "PodClique", "PodGang", "Pod", "Node", "Event"]) {
    assert.ok(kinds.has(k), k);
  }
  assert.match(s.logs.get("inference/demo-0-frontend-abcde/frontend")!, /listening/);
  assert.match(s.logs.get("inference/demo-0-frontend-abcde/frontend.previous")!, /previous run/);
  const scrapes = s.metrics.get("inference/demo-0-frontend-abcde")!;
  assert.equal(scrapes.length, 2);
  assert.match(scrapes[0], /} 1$/m);
});

Deno.test("loadScenario shifts every timestamp by now - recordedAt", async () => {
  const now = Date.parse("2026-01-10T12:00:00Z") + 86_400_000;
  const s = await loadScenario(MINI, { now });
  assert.equal(s.shiftMs, 86_400_000);
  const pcs = s.objects.find((o) => o.kind === "PodCliqueSet")!;
  assert.equal(pcs.metadata.creationTimestamp, "2026-01-11T10:00:00Z");
  const ev = s.objects.find((o) => o.kind === "Event")!;
  assert.equal(ev.lastTimestamp, "2026-01-11T11:58:00Z");
  assert.match(s.logs.get("inference/demo-0-frontend-abcde/frontend")!, /^2026-01-11T11:50:00Z/);
});

Deno.test("loadScenario by name resolves fixtures/ from any cwd; scenarios are listed", async () => {
  assert.ok(listScenarios().includes("healthy"));
  const cwd = Deno.cwd();
  Deno.chdir("/");
  try {
    const s = await loadScenario("healthy");
    assert.ok(s.objects.length > 10);
  } finally {
    Deno.chdir(cwd);
  }
});

Deno.test("loadScenario: the large generator yields at least 500 nodes and 2,000 pods", async () => {
  const s = await loadScenario("large");
  assert.ok(s.objects.filter((o) => o.kind === "Node").length >= 500);
  assert.ok(s.objects.filter((o) => o.kind === "Pod").length >= 2000);
});

Deno.test("loadScenario: bad scenarios are clear errors naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(loadScenario("no-such-scenario"), (e: unknown) => {
      assert.ok(e instanceof GroveError);
      assert.match(e.message, /scenario "no-such-scenario" not found/);
      assert.match(e.hint!, /healthy/);
      return true;
    });
    await Deno.writeTextFile(`${dir}/meta.json`, "{nope");
    await assert.rejects(loadScenario(dir), /meta.json is not valid JSON/);
    await Deno.writeTextFile(`${dir}/meta.json`, '{"recordedAt": "yesterday"}');
    await assert.rejects(loadScenario(dir), /"recordedAt" must be an RFC 3339 time/);
    await Deno.writeTextFile(`${dir}/meta.json`, '{"recordedAt": "2026-01-01T00:00:00Z"}');
    await Deno.mkdir(`${dir}/resources`);
    await Deno.writeTextFile(`${dir}/resources/pods.yaml`, "a: [1\n");
    await assert.rejects(loadScenario(dir), /pods.yaml is not valid YAML/);
    await Deno.writeTextFile(`${dir}/resources/pods.yaml`, "---\nkind: Pod\n");
    await assert.rejects(
      loadScenario(dir),
      /pods.yaml: document 1 needs apiVersion, kind and metadata.name/,
    );
    await Deno.writeTextFile(
      `${dir}/resources/pods.yaml`,
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: d}\n",
    );
    const s = await loadScenario(dir);
    assert.equal(s.objects.length, 1, "a kubectl List is flattened");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
