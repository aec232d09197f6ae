// Issue 24: the number of lists per kind of each read command stays the same
// as the cluster grows. Two generated clusters of the `xlarge` shape (the
// `large` scenario's sets, placement and faults), one ten times the other:
// 12 sets / 64 GPU nodes / 2 namespaces against 120 sets / 640 GPU nodes /
// 16 namespaces (the real 10x, 600 sets and 25,000 pods, is measured by
// `deno task bench`; it is too slow for the default suite). Each command runs
// in process against each; the simulator's request log gives the lists per
// kind (the pages of one list count as one) and the watches per kind.
import { assert, assertEquals } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import type { RequestLogEntry } from "../../lib/sim/request_log.ts";
import { connect } from "../../lib/kube/connect.ts";
import { watchTuiObjects } from "../../tasks/tui/source.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

const ONE_X = {
  zones: 4,
  racksPerZone: 2,
  nodesPerRack: 8,
  cpuNodes: 4,
  pcs: 12,
  namespaces: ["inference", "team-a"],
};
const TEN_X = {
  ...ONE_X,
  racksPerZone: 20,
  cpuNodes: 40,
  pcs: 120,
  namespaces: ["inference", ...Array.from({ length: 15 }, (_, i) => `team-${i}`)],
};

/** Lists (first pages only) and watches per resource path, e.g. `list /api/v1/pods`. */
export function listsPerKind(entries: readonly RequestLogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) {
    if (e.method !== "GET") continue;
    const q = new URLSearchParams(e.query);
    const watch = q.get("watch") === "1" || q.get("watch") === "true";
    if (!watch && q.has("continue")) continue; // a further page of the same list
    // collections only: /api/v1/pods, /api/v1/namespaces/x/pods, /apis/g/v/kind
    const parts = e.path.split("/").filter(Boolean);
    const rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
    const kind = rest[0] === "namespaces" && rest.length >= 3 ? rest.slice(2) : rest;
    if (kind.length !== 1) continue; // a named object, a subresource, discovery
    const key = `${watch ? "watch" : "list"} ${kind[0]}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

async function sizedScenario(sizes: unknown): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "grove-sized-" });
  await Deno.writeTextFile(
    `${dir}/meta.json`,
    JSON.stringify({
      recordedAt: "2026-11-01T12:00:00Z",
      namespace: "inference",
      generator: "xlarge",
      sizes,
    }),
  );
  return dir;
}

/** The lists per kind of every read command against one cluster. */
export async function countsFor(sizes: unknown): Promise<Record<string, Record<string, number>>> {
  const dir = await sizedScenario(sizes);
  const sim = await startSimCluster({ scenario: dir });
  const out: Record<string, Record<string, number>> = {};
  const bundleDir = await Deno.makeTempDir({ prefix: "grove-diag-" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath, NO_COLOR: "1" };
    const commands: Record<string, string[]> = {
      "status --all -A": ["status", "--all", "-A"],
      "health --all -A": ["health", "--all", "-A"],
      "topology --cluster": ["topology", "--cluster"],
      "topology -A": ["topology", "-A"],
      "diag -A": ["diag", "-A", "-o", `${bundleDir}/bundle`],
    };
    for (const [what, argv] of Object.entries(commands)) {
      sim.requestLog.reset();
      const r = await runCli(argv, { env });
      assert(r.code === 0 || r.code === 3, `${what}: exit ${r.code}: ${r.stderr}`);
      out[what] = listsPerKind(sim.requestLog.entries);
    }
    // the tui's first screen: its one list (and watch) per kind
    sim.requestLog.reset();
    const kube = await connect({ kubeconfig: sim.kubeconfigPath });
    const ac = new AbortController();
    for await (const ev of watchTuiObjects(kube, { allNamespaces: true }, { signal: ac.signal })) {
      if (ev.type === "snapshot") break;
    }
    ac.abort();
    kube.close();
    // watches open after the first snapshot; count the lists only
    out["tui -A (first snapshot)"] = Object.fromEntries(
      Object.entries(listsPerKind(sim.requestLog.entries)).filter(([k]) => k.startsWith("list")),
    );
    out.pods = { pods: sim.store.list("pods").length };
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(bundleDir, { recursive: true });
  }
  return out;
}

Deno.test(
  "list counts: each read command lists each kind as often at 10x the cluster as at 1x",
  opts,
  async () => {
    const small = await countsFor(ONE_X);
    const big = await countsFor(TEN_X);
    // the clusters really differ tenfold
    assert(big.pods.pods >= 9 * small.pods.pods, `pods: ${small.pods.pods} -> ${big.pods.pods}`);
    delete small.pods;
    delete big.pods;
    for (const what of Object.keys(small)) {
      assert(Object.keys(small[what]).length > 0, `${what} listed nothing`);
      assertEquals(big[what], small[what], `${what}: lists per kind at 10x vs 1x`);
    }
  },
);
