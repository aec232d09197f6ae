// End to end: `status --watch` against the simulated cluster: a new report
// after each change, JSON lines, blank-line separated text on a pipe, and a
// clean exit (code 0, nothing on stderr) on Ctrl-C.
import { describeRun, spawnCli } from "../helpers/spawn.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { watchStatus } from "../../tasks/status/watch.ts";
import type { StatusReport } from "../../tasks/status/report.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** Marks the prefill clique of the fragmented scenario fully ready. */
function healPrefill(
  store: {
    get(r: string, ns: string, n: string): KubeObject | undefined;
    put(o: KubeObject): KubeObject;
  },
) {
  const c = structuredClone(store.get("podcliques", "inference", "llama-disagg-0-prefill")!);
  c.status = {
    ...c.status,
    readyReplicas: 3,
    scheduledReplicas: 3,
    conditions: (c.status?.conditions ?? []).filter((x: { type: string }) =>
      x.type !== "MinAvailableBreached"
    ),
  };
  store.put(c);
}

Deno.test("e2e watch: a new report after a change; abort ends the generator", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const ac = new AbortController();
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const it = watchStatus(kube, { name: "llama-disagg" }, { signal: ac.signal, debounceMs: 20 });
    const first = (await it.next()).value as StatusReport;
    const prefill = () =>
      first.podCliqueSets[0].cliques.find((c) => c.name === "llama-disagg-0-prefill")!;
    assert(prefill().belowMinAvailable);
    const next = it.next();
    healPrefill(sim.store as never);
    const second = (await next).value as StatusReport;
    const p2 = second.podCliqueSets[0].cliques.find((c) => c.name === "llama-disagg-0-prefill")!;
    assertEquals([p2.ready, p2.belowMinAvailable], [3, false]);
    assertEquals(sim.requestLog.filter((e) => e.query.includes("watch=")).length >= 5, true);
    const after = it.next();
    sim.store.remove("podcliquesets", "inference", "llama-disagg");
    const third = (await after).value as StatusReport;
    assertEquals(third.podCliqueSets.length, 0);
    ac.abort();
    assertEquals((await it.next()).done, true);
  } finally {
    ac.abort();
    await sim.stop();
  }
});

for (const mode of ["json", "text"] as const) {
  Deno.test(
    `e2e watch CLI (${mode}): one report per change, Ctrl-C exits 0 without a stack`,
    opts,
    async () => {
      const sim = await startSimCluster({ scenario: "fragmented" });
      try {
        const args = ["--kubeconfig", sim.kubeconfigPath, "status", "llama-disagg", "--watch"];
        if (mode === "json") args.push("-o", "json");
        const child = spawnCli(args);
        if (mode === "json") {
          await child.waitFor((t) => t.split("\n").length >= 2, "the first JSON report");
          healPrefill(sim.store as never);
          await child.waitFor((t) => t.split("\n").length >= 3, "a JSON report after the change");
        } else {
          await child.waitFor((t) => t.includes("Summary:"), "the first report");
          healPrefill(sim.store as never);
          await child.waitFor((t) => t.split("Summary:").length >= 3, "a report after the change");
        }
        child.kill("SIGINT");
        const run = await child.finished();
        assertEquals(run.code, 0, describeRun(run));
        assertEquals(run.stderr, "", describeRun(run));
        const out = run.stdout;
        if (mode === "json") {
          const docs = out.trim().split("\n").map((l) => JSON.parse(l));
          assert(docs.length >= 2);
          assert(docs.every((d) => d.kind === "StatusReport"));
          const last = docs[docs.length - 1].podCliqueSets[0];
          assertEquals(
            last.cliques.find((c: { name: string }) => c.name === "llama-disagg-0-prefill").ready,
            3,
          );
        } else {
          assert(!out.includes("\x1b[2J"), "no screen clearing on a pipe");
          assertStringIncludes(out, "gangs running\n\nName:");
        }
      } finally {
        await sim.stop();
      }
    },
  );
}

Deno.test(
  "e2e watch: refreshMs re-renders without a change (countdowns move); leaving the loop stops the watches",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      let t = Date.parse("2026-11-01T12:00:00Z");
      const times: string[] = [];
      for await (
        const r of watchStatus(kube, { name: "llama-disagg" }, {
          refreshMs: 30,
          now: () => (t += 60_000),
        })
      ) {
        times.push(r.generatedAt);
        if (times.length === 3) break;
      }
      assertEquals(times, ["2026-11-01T12:01:00Z", "2026-11-01T12:02:00Z", "2026-11-01T12:03:00Z"]);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test("e2e watch: survives dropped watch streams and a 410 relist", opts, async () => {
  const sim = await startSimCluster({
    scenario: "fragmented",
    faults: { dropWatchAfterMs: 150 },
    historyLimit: 2,
  });
  const ac = new AbortController();
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const it = watchStatus(kube, { name: "llama-disagg" }, { signal: ac.signal, debounceMs: 20 });
    await it.next();
    const next = it.next();
    // Many writes push the watch history past its limit, so a resumed watch gets 410 and relists.
    await new Promise((r) => setTimeout(r, 400));
    for (let i = 0; i < 5; i++) {
      const n = structuredClone(
        sim.store.get("nodes", undefined, sim.store.list("nodes")[0].metadata.name)!,
      );
      n.metadata.labels = { ...n.metadata.labels, bump: String(i) };
      sim.store.put(n);
    }
    healPrefill(sim.store as never);
    const r = (await next).value as StatusReport;
    const p = r.podCliqueSets[0].cliques.find((c) => c.name === "llama-disagg-0-prefill")!;
    assertEquals(p.ready, 3);
    const lists = sim.requestLog.filter((e) =>
      e.path.endsWith("/podcliques") && !e.query.includes("watch")
    );
    const watches = sim.requestLog.filter((e) =>
      e.path.endsWith("/podcliques") && e.query.includes("watch")
    );
    assert(watches.length >= 2, "the dropped watch was resumed");
    assert(lists.length >= 2, "the expired watch (410) was followed by a relist");
  } finally {
    ac.abort();
    await sim.stop();
  }
});
