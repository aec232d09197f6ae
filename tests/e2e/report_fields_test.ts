// The read commands cut every listed object down to a few fields as it is
// read (lib/kube/fields.ts, issue 24). Here, on every fixture scenario, each
// report built from the cut-down objects must equal the report built from
// whole objects: status, health, topology (cluster and namespace) and the
// tui's first snapshot (its status, health, topology and rollout reports).
// A field a report reads that the masks drop shows up as a difference.
import { assert, assertEquals } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import type { KubeClient } from "../../lib/kube/client.ts";
import type { Kube, ListOptions, WatchOptions } from "../../lib/kube/types.ts";
import type { ResourceDescriptor } from "../../lib/kube/resources.ts";
import { PLAIN } from "../../lib/render/style.ts";
import { toJson } from "../../lib/render/output.ts";
import { collectStatus } from "../../tasks/status/collect.ts";
import { buildStatusReport } from "../../tasks/status/report.ts";
import { renderStatus } from "../../tasks/status/render.ts";
import { collectHealth } from "../../tasks/health/collect.ts";
import { buildHealthReport } from "../../tasks/health/report.ts";
import { renderHealth } from "../../tasks/health/render.ts";
import { collectTopology } from "../../tasks/topology/collect.ts";
import { buildTopologyReport } from "../../tasks/topology/report.ts";
import { renderTopology } from "../../tasks/topology/render.ts";
import { type TuiScope, type TuiSnapshot, watchTuiObjects } from "../../tasks/tui/source.ts";
import { tuiHealth, tuiRollouts, tuiStatus, tuiTopology } from "../../tasks/tui/reports.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** The same client, but every list and watch asks for whole objects (no `fields`). */
function wholeObjects(kube: KubeClient): Kube {
  const strip = <T extends ListOptions>(o?: T) => (o ? { ...o, fields: undefined } : o);
  return {
    contextName: kube.contextName,
    server: kube.server,
    namespace: kube.namespace,
    get requests() {
      return kube.requests;
    },
    list: (r: ResourceDescriptor, o?: ListOptions) => kube.list(r, strip(o)),
    watch: (r: ResourceDescriptor, o?: WatchOptions) => kube.watch(r, strip(o)),
    get: kube.get.bind(kube),
    create: kube.create.bind(kube),
    replace: kube.replace.bind(kube),
    patch: kube.patch.bind(kube),
    delete: kube.delete.bind(kube),
    getScale: kube.getScale.bind(kube),
    updateScale: kube.updateScale.bind(kube),
    logs: kube.logs.bind(kube),
    proxyGet: kube.proxyGet.bind(kube),
    getRaw: kube.getRaw.bind(kube),
  } as Kube;
}

async function firstSnapshot(kube: Kube, scope: TuiScope): Promise<TuiSnapshot> {
  const ac = new AbortController();
  try {
    for await (const ev of watchTuiObjects(kube, scope, { signal: ac.signal })) {
      if (ev.type === "snapshot") return ev.snapshot;
    }
  } finally {
    ac.abort();
  }
  throw new Error("no snapshot");
}

/** Every report (as JSON and as rendered text) the read commands build. */
async function reports(
  kube: Kube,
  namespace: string,
  now: number,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const allNamespaces of [true, false]) {
    const ns = allNamespaces ? undefined : namespace;
    const tag = allNamespaces ? "-A" : `-n ${namespace}`;
    const status = buildStatusReport(
      await collectStatus(kube, { all: true, allNamespaces, namespace: ns }),
      { now },
    );
    out[`status ${tag}`] = toJson(status);
    out[`status ${tag} wide`] = renderStatus(status, { style: PLAIN, wide: true });
    const health = buildHealthReport(await collectHealth(kube, { namespace: ns }), { now });
    out[`health ${tag}`] = toJson(health) + renderHealth(health, PLAIN);
    for (const cluster of [true, false]) {
      const q = { namespace: ns, cluster };
      const topo = buildTopologyReport(await collectTopology(kube, q), { ...q, now });
      out[`topology ${tag}${cluster ? " --cluster" : ""}`] = toJson(topo) +
        renderTopology(topo, PLAIN);
    }
    const scope = { allNamespaces, namespace: ns };
    const snap = await firstSnapshot(kube, scope);
    const tuiS = tuiStatus(snap, scope, now);
    out[`tui status ${tag}`] = toJson(tuiS);
    out[`tui health ${tag}`] = toJson(tuiHealth(snap, scope, now));
    out[`tui topology ${tag}`] = toJson(tuiTopology(snap, scope, now, true)) +
      toJson(tuiTopology(snap, scope, now, false));
    if (tuiS.report) out[`tui rollouts ${tag}`] = toJson(tuiRollouts(snap, tuiS.report, now));
  }
  return out;
}

for (const scenario of ["healthy", "fragmented", "rollout", "aggregated", "large"]) {
  Deno.test(
    `report fields: every read report of "${scenario}" is the same from cut-down objects`,
    opts,
    async () => {
      const sim = await startSimCluster({ scenario });
      try {
        const kube = await connect({ kubeconfig: sim.kubeconfigPath });
        const now = Date.now();
        const ns = sim.scenario.meta.namespace || "default";
        const cut = await reports(kube, ns, now);
        const whole = await reports(wholeObjects(kube), ns, now);
        assertEquals(Object.keys(cut), Object.keys(whole));
        for (const k of Object.keys(whole)) assertEquals(cut[k], whole[k], `${scenario}: ${k}`);
        // the reports are not empty: the comparison means something
        assert(/"name"/.test(whole["status -A"]), "status lists sets");
        kube.close();
      } finally {
        await sim.stop();
      }
    },
  );
}
