// health and status on the layout fixtures of issue 26: Warning events
// first and Normal ones hidden unless `--events all`; the lowest gang
// PlacementScore per set in `status --all` and `health --all`.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { toJson } from "../../../lib/render/output.ts";
import { healthObjectsFrom } from "../../../tasks/health/from_objects.ts";
import { buildHealthReport } from "../../../tasks/health/report.ts";
import { renderHealth } from "../../../tasks/health/render.ts";
import { buildStatusReport, selectStatusObjects } from "../../../tasks/status/report.ts";
import { renderStatus } from "../../../tasks/status/render.ts";

export const LAYOUTS = ["sg-prefill-decode", "mn-disagg", "dra", "coherent", "operator-revisions"];

async function scenario(name: string) {
  const sc = await loadScenario(name, { shiftTimes: false });
  return { objects: sc.objects, ns: sc.meta.namespace!, now: Date.parse(sc.meta.recordedAt) };
}

Deno.test("health: Warning events are issues, Normal ones hidden with a note unless --events all", async () => {
  const { objects, ns, now } = await scenario("sg-prefill-decode");
  const o = healthObjectsFrom(objects, { namespace: ns });
  const def = buildHealthReport(o, { now });
  const issues = def.gangs.flatMap((g) => g.issues);
  assert(!issues.some((i) => i.message.startsWith("Normal ")), "no Normal event by default");
  assert(
    def.notes.some((n) => /1 Normal event\(s\) .* hidden \(show them with --events all\)/.test(n)),
  );
  const all = buildHealthReport(o, { now, events: "all" });
  const allIssues = all.gangs.flatMap((g) => g.issues);
  const normal = allIssues.filter((i) => i.message.startsWith("Normal Pulled"));
  assertEquals(normal.length, 1);
  assertEquals(normal[0].kind, "Event");
  // Warnings come before the Normal event
  const idx = (p: (m: string) => boolean) => allIssues.findIndex((i) => p(i.message));
  assert(idx((m) => m.includes("Normal Pulled")) > idx((m) => m.includes("restarts")));
  assert(!all.notes.some((n) => n.includes("hidden")));
});

Deno.test("status --all and health --all: lowest gang PlacementScore per set", async () => {
  const { objects, now } = await scenario("sg-prefill-decode");
  const st = buildStatusReport(
    selectStatusObjects(objects, { namespace: undefined, all: true, allNamespaces: true }),
    { now: new Date(now) },
  );
  const table = renderStatus(st, { style: PLAIN });
  const [head, row] = table.split("\n");
  assert(head.includes("SCORE"), head);
  // gangs 0.91 and 0.84 (and one pending without a score): the lowest is 0.84
  assert(/\b0\.84\b/.test(row), row);
  const h = buildHealthReport(healthObjectsFrom(objects, { namespace: undefined }), { now });
  assertEquals(h.sets!.map((s) => [s.name, s.lowestPlacementScore]), [["pd-pair", 0.84]]);
  assert(
    /NAMESPACE\s+PODCLIQUESET\s+GANGS\s+SCORE\s+STATUS\ninference\s+pd-pair\s+2\/3\s+0\.84/.test(
      renderHealth(h, PLAIN),
    ),
  );
  // one named set: no per-set table
  const one = buildHealthReport(
    healthObjectsFrom(objects, { namespace: "inference", pcs: "pd-pair" }),
    {
      now,
      pcs: "pd-pair",
    },
  );
  assertEquals(one.sets, undefined);
});

Deno.test("health --all on two sets prints one line per set with its lowest score", async () => {
  const { objects, now } = await scenario("healthy");
  const h = buildHealthReport(healthObjectsFrom(objects, { namespace: undefined }), { now });
  assertEquals(h.sets!.map((s) => [s.name, s.lowestPlacementScore]), [
    ["qwen-disagg", 0.95],
    ["sglang-chat", 1],
  ]);
  const text = renderHealth(h, PLAIN);
  assert(/NAMESPACE\s+PODCLIQUESET\s+GANGS\s+SCORE\s+STATUS/.test(text), text);
  assert(/qwen-disagg\s+2\/2\s+0\.95/.test(text), text);
});

for (const name of LAYOUTS) {
  Deno.test(`layout goldens: ${name} health and status`, async () => {
    const { objects, ns, now } = await scenario(name);
    const h = buildHealthReport(healthObjectsFrom(objects, { namespace: ns }), { now });
    await assertGolden(`${name}/health.table`, renderHealth(h, PLAIN));
    await assertGolden(`${name}/health.json`, toJson(h));
    const one = buildStatusReport(
      selectStatusObjects(objects, { namespace: ns, all: true, allNamespaces: false }),
      { now: new Date(now) },
    );
    await assertGolden(`${name}/status.all.table`, renderStatus(one, { style: PLAIN }));
    const pcs = one.podCliqueSets[0];
    const single = buildStatusReport(
      selectStatusObjects(objects, {
        namespace: ns,
        name: pcs.name,
        all: false,
        allNamespaces: false,
      }),
      { now: new Date(now) },
    );
    await assertGolden(`${name}/status.table`, renderStatus(single, { style: PLAIN }));
    await assertGolden(`${name}/status.wide`, renderStatus(single, { style: PLAIN, wide: true }));
  });
}

Deno.test("diag summary: Warning events listed, Normal ones counted unless --events all", async () => {
  const { findProblems } = await import("../../../tasks/diag/bundle.ts");
  const { objects, now } = await scenario("sg-prefill-decode");
  const c = {
    objects: { events: objects.filter((o) => o.kind === "Event") },
    collectors: [],
    logs: [],
    scrapes: [],
  } as unknown as Parameters<typeof findProblems>[0];
  const def = findProblems(c, new Date(now));
  const ev = def.filter((f) => f.message.includes("event "));
  assertEquals(ev.map((f) => f.severity), ["warning", "warning"]);
  assert(def.some((f) => f.severity === "info" && f.message.startsWith("1 Normal event(s)")));
  const all = findProblems(c, new Date(now), { events: "all" });
  const evAll = all.filter((f) => f.message.includes("event "));
  assertEquals(evAll.map((f) => f.severity), ["warning", "warning", "info"]);
  assert(evAll[2].message.startsWith("Normal event Pulled"));
});

Deno.test("status and health say when a set's GPUs come through DRA", async () => {
  const { objects, ns, now } = await scenario("dra");
  const st = buildStatusReport(
    selectStatusObjects(objects, {
      namespace: ns,
      name: "dra-agg",
      all: false,
      allNamespaces: false,
    }),
    { now: new Date(now) },
  );
  assertEquals(
    st.podCliqueSets[0].notes[0],
    "GPUs via DRA claims: worker 4/pod (see: kubectl grove topology)",
  );
  const h = buildHealthReport(healthObjectsFrom(objects, { namespace: ns }), { now });
  assert(
    h.notes.some((n) =>
      n === "dra-agg: GPUs via DRA claims: worker 4/pod (see: kubectl grove topology)"
    ),
  );
  // a set on nvidia.com/gpu gets no such note
  const hh = await scenario("healthy");
  const h2 = buildHealthReport(healthObjectsFrom(hh.objects, { namespace: hh.ns }), {
    now: hh.now,
  });
  assert(!h2.notes.some((n) => n.includes("DRA")));
});
