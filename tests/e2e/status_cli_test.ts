// End to end: `kubectl grove status` through the real client over HTTPS
// against the simulated cluster, in process with runCli.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { status } from "../../tasks/status/mod.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("e2e status: one PCS as table, wide and json; --all -A", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const t = await runCli(["status", "llama-disagg"], { env });
    assertEquals(t.code, 0, t.stderr);
    assertEquals(t.stderr, "");
    assertMatch(t.stdout, /^Name: +llama-disagg$/m);
    // at 80 columns (piped) the notes sit under the clique table
    assertMatch(t.stdout, /^! llama-disagg-0-prefill +prefill +1\/3 /m);
    assertMatch(t.stdout, /^ {2}! llama-disagg-0-prefill: BELOW MIN; gang terminates in (19|20)m/m);
    assertMatch(
      t.stdout,
      /^Summary: 6 cliques \(3 ready, 3 below min\), 5\/9 pods ready, 1\/2 gangs running$/m,
    );

    const w = await runCli(["status", "llama-disagg", "-o", "wide", "-n", "inference"], { env });
    assertEquals(w.code, 0, w.stderr);
    assertStringIncludes(w.stdout, "SCHEDULED");

    const j = await runCli(["status", "llama-disagg", "-o", "json"], { env });
    assertEquals(j.code, 0, j.stderr);
    const r = JSON.parse(j.stdout);
    assertEquals([r.apiVersion, r.kind], ["kubectl-grove.io/v1alpha1", "StatusReport"]);
    assertEquals(r.podCliqueSets[0].state, "Unhealthy");

    const y = await runCli(["status", "llama-disagg", "-o", "yaml"], { env });
    assertMatch(y.stdout, /^kind: StatusReport$/m);

    const all = await runCli(["status", "--all", "-A"], { env });
    assertEquals(all.code, 0, all.stderr);
    assertMatch(all.stdout, /^! inference +llama-disagg +Unhealthy/m);

    const tty = await runCli(["status", "llama-disagg"], { env, tty: true });
    assertStringIncludes(tty.stdout, "\x1b[31mBELOW MIN\x1b[39m");
    const noColor = await runCli(["status", "llama-disagg"], {
      env: { ...env, NO_COLOR: "1" },
      tty: true,
    });
    assert(!noColor.stdout.includes("\x1b[31m"));
    assertStringIncludes(noColor.stdout, "! llama-disagg-0-prefill");
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e status: a fixed number of requests for one PCS, whatever the cluster size",
  opts,
  async () => {
    const counts: Record<string, number> = {};
    for (
      const [scenario, pcs, ns] of [["healthy", "qwen-disagg", "inference"], ["large", "", ""]]
    ) {
      const sim = await startSimCluster({ scenario });
      try {
        let name = pcs;
        let namespace = ns;
        if (!name) {
          const p = sim.store.list("podcliquesets")[0];
          name = p.metadata.name;
          namespace = p.metadata.namespace!;
        }
        sim.requestLog.reset();
        const r = await runCli(["status", name, "-n", namespace, "-o", "json"], {
          env: { KUBECONFIG: sim.kubeconfigPath },
        });
        assertEquals(r.code, 0, r.stderr);
        counts[scenario] = sim.requestLog.length;
        assert(
          sim.requestLog.entries.every((e) =>
            e.method === "GET" && /labelSelector|fieldSelector/.test(e.query)
          ),
          "every request is a list filtered on the server",
        );
        sim.requestLog.reset();
        const all = await runCli(["status", "--all", "-A", "-o", "json"], {
          env: { KUBECONFIG: sim.kubeconfigPath },
        });
        assertEquals(all.code, 0, all.stderr);
        counts[`${scenario} --all -A`] = sim.requestLog.length;
      } finally {
        await sim.stop();
      }
    }
    assertEquals(counts, { healthy: 5, large: 5, "healthy --all -A": 5, "large --all -A": 5 });
  },
);

Deno.test("e2e status: unknown PCS, wrong namespace, empty namespace", opts, async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const typo = await runCli(["status", "qwen-dissag"], { env });
    assertEquals(typo.code, 1);
    assertEquals(typo.stdout, "");
    assertStringIncludes(
      typo.stderr,
      'error: podcliqueset "qwen-dissag" not found in namespace "inference"\n',
    );
    assertStringIncludes(typo.stderr, "hint: did you mean: qwen-disagg?");
    assert(!typo.stderr.includes("    at "), "no stack trace");

    const other = await runCli(["status", "qwen-disagg", "-n", "default"], { env });
    assertEquals(other.code, 1);
    assertStringIncludes(other.stderr, 'it exists in namespace "inference": add -n inference');

    const empty = await runCli(["status", "--all", "-n", "kube-system"], { env });
    assertEquals(empty.code, 0);
    assertEquals(empty.stdout, "");
    assertStringIncludes(empty.stderr, 'No PodCliqueSets found in namespace "kube-system"');

    const emptyJson = await runCli(["status", "--all", "-n", "kube-system", "-o", "json"], { env });
    assertEquals(JSON.parse(emptyJson.stdout).podCliqueSets, []);

    // one rule for every command: a usage error before anything is sent
    const bad = await runCli(["status", "Not_A_Name"], { env });
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, "A name is at most 253 characters");

    const badOutput = await runCli(["status", "qwen-disagg", "-o", "name"], { env });
    assertEquals(badOutput.code, 2);
    const both = await runCli(["status", "qwen-disagg", "--all"], { env });
    assertEquals(both.code, 2);
    assertStringIncludes(both.stderr, "give a PodCliqueSet name or --all, not both");
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e status: a cluster without the Grove CRDs asks whether the operator is installed",
  opts,
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(`${dir}/resources`);
      await Deno.writeTextFile(
        `${dir}/meta.json`,
        JSON.stringify({
          recordedAt: "2026-11-01T12:00:00Z",
          namespace: "inference",
          groveInstalled: false,
        }),
      );
      await Deno.writeTextFile(`${dir}/resources/pods.yaml`, "");
      const sim = await startSimCluster({ scenario: dir });
      try {
        const r = await runCli(["status", "qwen-disagg"], {
          env: { KUBECONFIG: sim.kubeconfigPath },
        });
        assertEquals(r.code, 1);
        assertStringIncludes(r.stderr, "is the Grove operator installed?");
        assertStringIncludes(r.stderr, "hint: check with: kubectl get crd podcliquesets.grove.io");
        assert(!r.stderr.includes("internal error"));
      } finally {
        await sim.stop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("e2e status: a forbidden list names the verb and the resource", opts, async () => {
  const sim = await startSimCluster({
    scenario: "healthy",
    onRequest: (_req, { url }) =>
      url.pathname.endsWith("/pods")
        ? new Response(
          JSON.stringify({
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            reason: "Forbidden",
            code: 403,
            message:
              'pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "inference"',
            details: { kind: "pods" },
          }),
          { status: 403, headers: { "content-type": "application/json" } },
        )
        : undefined,
  });
  try {
    const r = await runCli(["status", "qwen-disagg"], { env: { KUBECONFIG: sim.kubeconfigPath } });
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, 'error: forbidden: cannot list pods in namespace "inference"');
    assertStringIncludes(r.stderr, "kubectl auth can-i list pods -n inference");
  } finally {
    await sim.stop();
  }
});

Deno.test("e2e status: the library function returns the typed report", opts, async () => {
  const sim = await startSimCluster({ scenario: "aggregated", shiftTimes: false });
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const r = await status(kube, {
      name: "qwen-agg",
      now: Date.parse(sim.scenario.meta.recordedAt),
    });
    assertEquals(r.kind, "StatusReport");
    assertEquals(r.podCliqueSets[0].gangs.map((g) => g.placementScore), [0.9, 0.88]);
    assertEquals(r.generatedAt, "2026-11-01T12:00:00Z");
    const all = await status(kube, { allNamespaces: true });
    assertEquals(all.scope.all, true);
    assertEquals(all.podCliqueSets.length, 1);
  } finally {
    await sim.stop();
  }
});
