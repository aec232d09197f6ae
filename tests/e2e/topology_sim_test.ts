// End to end: `kubectl grove topology` through the real client against the
// simulated cluster (HTTPS), including request counts and forbidden nodes.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

function forbid(paths: string[]) {
  return (_req: Request, info: { user: string; url: URL }) => {
    if (!paths.includes(info.url.pathname) || info.url.searchParams.get("watch")) return undefined;
    const plural = info.url.pathname.split("/").pop();
    return new Response(
      JSON.stringify({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        message:
          `${plural} is forbidden: User "dev" cannot list resource "${plural}" in API group "" at the cluster scope`,
        details: { kind: plural },
      }),
      { status: 403, headers: { "content-type": "application/json" } },
    );
  };
}

Deno.test(
  "e2e topology: fragmented PCS, warnings with a recommendation, 6 requests",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      sim.requestLog.reset();
      const r = await runCli(["topology", "llama-disagg", "-n", "inference"], { env });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(
        r.stdout,
        /^Topology: grove-topology \(ClusterTopologyBinding\) {3}levels: zone -> rack -> host/,
      );
      assertStringIncludes(r.stdout, "gang llama-disagg-0 spans 2 racks");
      assertStringIncludes(r.stdout, "-> no rack can host it");
      assertStringIncludes(r.stdout, "rack rack-a1 [split]");
      const apiRequests = sim.requestLog.filter((e) => e.path.startsWith("/api"));
      // 6 kinds + the two DRA kinds (ResourceClaims, ResourceSlices)
      assertEquals(apiRequests.length, 8, apiRequests.map((e) => e.path).join("\n"));
      // pods listed once, cluster-wide (every pod's GPUs count)
      assertEquals(apiRequests.filter((e) => e.path.endsWith("/pods")).length, 1);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e topology --cluster -o json: same request count on the large scenario",
  opts,
  async () => {
    const counts: number[] = [];
    for (const scenario of ["fragmented", "large"]) {
      const sim = await startSimCluster({ scenario });
      try {
        sim.requestLog.reset();
        const r = await runCli(["topology", "--cluster", "-o", "json"], {
          env: { KUBECONFIG: sim.kubeconfigPath },
        });
        assertEquals(r.code, 0, r.stderr);
        const rep = JSON.parse(r.stdout);
        assertEquals([rep.apiVersion, rep.kind], ["kubectl-grove.io/v1alpha1", "TopologyReport"]);
        assert(rep.cluster.totalGpus > 0);
        assertEquals(rep.cluster.fits.map((f: { gpus: number }) => f.gpus).slice(0, 4), [
          1,
          2,
          4,
          8,
        ]);
        counts.push(sim.requestLog.count((e) => e.path.startsWith("/api")));
      } finally {
        await sim.stop();
      }
    }
    assertEquals(counts[0], counts[1]);
    // pods, nodes, 2 topology kinds, 2 DRA kinds
    assertEquals(counts[0], 6);
  },
);

Deno.test(
  "e2e topology: unknown PCS exits 1 with the name, namespace, close names or where it is",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const r = await runCli(["topology", "nope"], { env });
      assertEquals(r.code, 1);
      assertStringIncludes(
        r.stderr,
        'error: podcliqueset "nope" not found in namespace "inference"',
      );
      assertStringIncludes(r.stderr, "hint: PodCliqueSets here: qwen-disagg, sglang-chat");
      assertEquals(r.stdout, "");
      const typo = await runCli(["topology", "qwen-disag"], { env });
      assertEquals(typo.code, 1);
      assertStringIncludes(typo.stderr, "hint: did you mean: qwen-disagg?");
      const elsewhere = await runCli(["topology", "qwen-disagg", "-n", "default"], { env });
      assertEquals(elsewhere.code, 1);
      assertStringIncludes(elsewhere.stderr, "the namespace has no PodCliqueSets");
      assertStringIncludes(
        elsewhere.stderr,
        'it exists in namespace "inference": add -n inference',
      );
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e topology --cluster: forbidden node listing is an error that says what to ask for",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "healthy",
      onRequest: forbid(["/api/v1/nodes"]),
    });
    try {
      const r = await runCli(["topology", "--cluster"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 1);
      assertEquals(r.stdout, "");
      assertStringIncludes(
        r.stderr,
        "error: topology --cluster needs to list nodes, and listing nodes (cluster-scoped) is forbidden",
      );
      assertStringIncludes(r.stderr, "kubectl auth can-i list nodes");
      assertStringIncludes(r.stderr, "kubectl grove topology <podcliqueset>");
      assert(!r.stderr.includes("internal error"));
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e topology: forbidden nodes and cluster-wide pods give the pod-level view with notes",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "healthy",
      onRequest: forbid(["/api/v1/nodes", "/api/v1/pods"]),
    });
    try {
      const r = await runCli(["topology", "qwen-disagg"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stdout, "(nodes cannot be listed: pods shown by node name)");
      assertStringIncludes(r.stdout, "gpu-a1-01  (node not readable; this workload: 8 GPUs)");
      assertStringIncludes(r.stdout, "listing nodes is forbidden (cluster-scoped)");
      assertStringIncludes(
        r.stdout.replace(/\n +/g, " "),
        "GPUs used by other namespaces' pods are not counted",
      );
      assertMatch(r.stdout, /gpu-a1-01\s/);
      assertStringIncludes(r.stdout, "qwen-disagg-0-prefill-");
      // pack levels wider than a host cannot be judged without node labels
      assertMatch(r.stdout, /^ {2}qwen-disagg-0 +Running .* -\n {6}pack .*; spans 4 hosts$/m);
      assert(!r.stdout.includes("optimal"));
    } finally {
      await sim.stop();
    }
  },
);

Deno.test("e2e topology: a cluster without Grove says the operator is missing", opts, async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/resources`);
    await Deno.writeTextFile(
      `${dir}/meta.json`,
      JSON.stringify({
        recordedAt: "2026-11-01T12:00:00Z",
        namespace: "default",
        groveInstalled: false,
      }),
    );
    const sim = await startSimCluster({ scenario: dir });
    try {
      const r = await runCli(["topology", "x"], { env: { KUBECONFIG: sim.kubeconfigPath } });
      assertEquals(r.code, 1);
      assertStringIncludes(r.stderr, "is the Grove operator installed?");
      assertStringIncludes(r.stderr, 'the cluster of context "sim"');
      assertStringIncludes(r.stderr, "hint: check with: kubectl get crd podcliquesets.grove.io");
      // the whole-cluster view needs no Grove objects
      const c = await runCli(["topology", "--cluster"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(c.code, 0, c.stderr);
      assertStringIncludes(c.stdout, "Cluster GPUs: 0 allocatable");
    } finally {
      await sim.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("e2e topology --watch: a cordoned node shows up in the next report", opts, async () => {
  const { connect } = await import("../../lib/kube/connect.ts");
  const { Resources } = await import("../../lib/kube/resources.ts");
  const { watchTopology } = await import("../../tasks/topology/watch.ts");
  const sim = await startSimCluster({ scenario: "healthy" });
  const ac = new AbortController();
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    let n = 0;
    for await (
      const r of watchTopology(kube, { namespace: "inference", pcs: "qwen-disagg" }, {
        signal: ac.signal,
        debounceMs: 10,
      })
    ) {
      const node = r.domains[0].children[0].nodes.find((x) => x.name === "gpu-a1-01")!;
      if (n++ === 0) {
        assertEquals(node.cordoned, false);
        const obj = sim.store.get(Resources.nodes, undefined, "gpu-a1-01")!;
        sim.store.put({ ...obj, spec: { ...obj.spec, unschedulable: true } });
        continue;
      }
      if (node.cordoned) break;
      if (n > 20) throw new Error("the cordon never showed up");
    }
  } finally {
    ac.abort();
    await sim.stop();
  }
});
