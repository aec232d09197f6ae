/**
 * End to end: lib/kube's KubeClient against the simulated cluster
 * (lib/sim/server.ts) over HTTPS, using the kubeconfig it writes.
 */

import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { ApiError } from "../../lib/errors.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

Deno.test("kube client against the simulated cluster: list, get, patch, scale, watch, logs, proxy, 403", async () => {
  const sim = await startSimCluster({ scenario: "healthy", bookmarkIntervalMs: 200 });
  const client = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  const ro = await connect({ kubeconfig: sim.kubeconfigPath, context: "sim-readonly", env: {} });
  try {
    assertEquals(client.contextName, "sim");
    assertEquals(client.namespace, "inference");
    assertEquals(client.server, sim.server);

    // list with a label selector
    const pods = await client.list(Resources.pods, {
      namespace: "inference",
      labelSelector: "app.kubernetes.io/part-of=qwen-disagg",
    });
    assert(pods.items.length > 0);
    assert(
      pods.items.every((p) => p.metadata.labels?.["app.kubernetes.io/part-of"] === "qwen-disagg"),
    );
    assert(pods.resourceVersion);
    const pcsList = await client.list(Resources.podcliquesets, { namespace: "inference" });
    assertEquals(pcsList.items.map((p) => p.metadata.name).sort(), ["qwen-disagg", "sglang-chat"]);
    // paging through continue tokens gives the same items
    const paged = await client.list(Resources.pods, { namespace: "inference", limit: 3 });
    const all = await client.list(Resources.pods, { namespace: "inference" });
    assertEquals(paged.items.map((p) => p.metadata.name), all.items.map((p) => p.metadata.name));

    // get
    const pcs = await client.get(Resources.podcliquesets, "qwen-disagg");
    assertEquals(pcs.kind, "PodCliqueSet");

    // watch: start from the list's resourceVersion, patch, see the MODIFIED event
    const ac = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (
        const ev of client.watch<KubeObject>(Resources.podcliquesets, {
          namespace: "inference",
          resourceVersion: pcsList.resourceVersion,
          signal: ac.signal,
        })
      ) {
        if (ev.type === "MODIFIED" && ev.object.metadata.labels?.["e2e"] === "yes") {
          seen.push(ev.object.metadata.name);
          ac.abort();
        }
      }
    })();
    const patched = await client.patch(
      Resources.podcliquesets,
      "qwen-disagg",
      { metadata: { labels: { e2e: "yes" } } },
      "merge",
    );
    assertEquals(patched.metadata.labels?.e2e, "yes");
    const timer = setTimeout(() => ac.abort(), 5000);
    await watching;
    clearTimeout(timer);
    assertEquals(seen, ["qwen-disagg"]);

    // scale: read, then update with the resourceVersion precondition
    const scale = await client.getScale(Resources.podcliquesets, "qwen-disagg");
    assertEquals(scale.kind, "Scale");
    const updated = await client.updateScale(
      Resources.podcliquesets,
      "qwen-disagg",
      scale.spec.replicas + 1,
      {
        resourceVersion: scale.metadata.resourceVersion,
      },
    );
    assertEquals(updated.spec.replicas, scale.spec.replicas + 1);
    // a stale resourceVersion is a 409 conflict
    const conflict = await client.updateScale(Resources.podcliquesets, "qwen-disagg", 1, {
      resourceVersion: scale.metadata.resourceVersion,
    }).catch((e) => e);
    assert(conflict instanceof ApiError);
    assertEquals(conflict.status, 409);

    // server-side dry run does not persist
    await client.patch(
      Resources.podcliquesets,
      "sglang-chat",
      { metadata: { labels: { dry: "run" } } },
      "merge",
      {
        dryRun: true,
      },
    );
    assertEquals(
      (await client.get(Resources.podcliquesets, "sglang-chat")).metadata.labels?.dry,
      undefined,
    );

    // logs and the pod proxy
    const log = await client.logs("inference", "qwen-disagg-0-prefill-28mlr", { tailLines: 2 });
    assertEquals(log.trimEnd().split("\n").length, 2);
    const metrics = await client.proxyGet(
      "inference",
      "qwen-disagg-0-prefill-28mlr",
      8000,
      "/metrics",
      {
        timeoutMs: 5000,
      },
    );
    assertMatch(metrics, /^# (HELP|TYPE) /m);

    // discovery
    const version = await client.getRaw<{ gitVersion: string }>("/version");
    assert(version.gitVersion);

    // read-only user: 403 with the verb and resource
    const forbidden = await ro.patch(
      Resources.podcliquesets,
      "qwen-disagg",
      { metadata: {} },
      "merge",
    )
      .catch((e) => e);
    assert(forbidden instanceof ApiError);
    assertEquals(forbidden.status, 403);
    assertMatch(
      forbidden.message,
      /cannot patch podcliquesets.grove.io "qwen-disagg" in namespace "inference"/,
    );

    // not found
    const nf = await client.get(Resources.podcliquesets, "nope").catch((e) => e);
    assert(nf instanceof ApiError);
    assertEquals(nf.message, 'podcliquesets.grove.io "nope" in namespace "inference" not found');

    assert(client.requests.length >= 12);
  } finally {
    client.close();
    ro.close();
    await sim.stop();
  }
});

Deno.test("kube client against the simulated cluster with faults: reads retried through 503s, watch survives dropped streams", async () => {
  const sim = await startSimCluster({
    scenario: "healthy",
    faults: { errorRate: 0.4, errorStatuses: [503], seed: 7, pathPattern: /podcliques$/ },
  });
  const client = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  try {
    for (let i = 0; i < 5; i++) {
      const r = await client.list(Resources.podcliques, { namespace: "inference" });
      assert(r.items.length > 0);
    }
    assert(client.requests.some((r) => r.status === 503), "some 503s were injected and retried");

    sim.faults.set({ dropWatchAfterMs: 150 });
    const start = await client.list(Resources.podcliquesets, { namespace: "inference" });
    const ac = new AbortController();
    const names: string[] = [];
    const watching = (async () => {
      for await (
        const ev of client.watch<KubeObject>(Resources.podcliquesets, {
          namespace: "inference",
          resourceVersion: start.resourceVersion,
          signal: ac.signal,
        })
      ) {
        if (ev.type === "MODIFIED") names.push(ev.object.metadata.labels?.step ?? "");
        if (names.length === 2) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 400)); // at least two drops
    await client.patch(Resources.podcliquesets, "qwen-disagg", {
      metadata: { labels: { step: "1" } },
    }, "merge");
    // let the stream drop and reconnect at least twice more (bounded), then change again
    const watches = () => client.requests.filter((r) => r.path.includes("watch=1")).length;
    for (let waited = 0; watches() < 3 && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.patch(Resources.podcliquesets, "qwen-disagg", {
      metadata: { labels: { step: "2" } },
    }, "merge");
    const timer = setTimeout(() => ac.abort(), 5000);
    await watching;
    clearTimeout(timer);
    assertEquals(names, ["1", "2"]);
    assert(
      client.requests.filter((r) => r.path.includes("watch=1")).length >= 3,
      "the watch reconnected",
    );
  } finally {
    client.close();
    await sim.stop();
  }
});
