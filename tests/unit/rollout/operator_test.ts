// The operator simulation over a store loaded with the `healthy` scenario:
// OnDelete pod by pod, rolling recreate order, and /scale of PCS, PCLQ, PCSG.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { SimStore } from "../../../lib/sim/store.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { startOperator } from "../../../lib/sim/operator/mod.ts";
import { gpusAllocatedByNode, isPodReady, nodeGpus } from "../../../lib/grove/relations.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import type { Node, Pod } from "../../../lib/grove/types.ts";

const NS = "inference";
const PCS = "qwen-disagg";
const NEW = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2";

async function setup() {
  const store = new SimStore();
  store.load((await loadScenario("healthy")).objects);
  const op = startOperator(store, { stepMs: 10, readyDelayMs: 15, tickMs: 5 });
  return { store, op };
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function pods(store: SimStore, clique?: string): KubeObject[] {
  return store.list("pods", NS).filter((p) =>
    p.metadata.labels?.["app.kubernetes.io/part-of"] === PCS &&
    (!clique || p.metadata.labels?.["grove.io/podclique"] === clique)
  );
}

function setImage(store: SimStore, strategy?: "OnDelete") {
  store.update("podcliquesets", NS, PCS, (o) => {
    if (strategy) o.spec.updateStrategy = { type: strategy };
    for (const c of o.spec.template.cliques) {
      for (const k of c.spec.podSpec.containers) {
        if (k.image.includes("vllm-runtime")) k.image = NEW;
      }
    }
  });
}

const imageOf = (p: KubeObject) => p.spec.containers[0].image;

Deno.test("operator: an unchanged scenario is adopted as it is", async () => {
  const { store, op } = await setup();
  try {
    const before = pods(store).map((p) => p.metadata.name).sort();
    op.reconcileNow();
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(pods(store).map((p) => p.metadata.name).sort(), before);
    assertEquals(op.actions.filter((a) => a.action === "delete-pod").length, 0);
  } finally {
    op.stop();
  }
});

Deno.test("operator: RollingRecreate replaces standalone pods one at a time, then scaling-group replicas", async () => {
  const { store, op } = await setup();
  try {
    setImage(store);
    await until("the rollout to end", () => {
      const st = store.get("podcliquesets", NS, PCS)!.status;
      return st.updatedReplicas === 1 && !!st.updateProgress?.updateEndedAt;
    });
    const vllm = pods(store).filter((p) =>
      imageOf(p).includes("vllm-runtime") || imageOf(p) === NEW
    );
    assertEquals(vllm.length, 6);
    assert(vllm.every((p) => imageOf(p) === NEW && isPodReady(p as Pod)));
    const deletes = op.actions.filter((a) => a.action === "delete-pod");
    // prefill pods (standalone) go before any scaling-group pod
    const firstGroup = deletes.findIndex((a) => a.name.includes("-decode-"));
    const lastPrefill = deletes.map((a) => a.name.includes("-prefill-")).lastIndexOf(true);
    assert(lastPrefill < firstGroup, "standalone cliques first");
    const pcs = store.get("podcliquesets", NS, PCS)!;
    assert(pcs.status.updateProgress.updateEndedAt, "updateEndedAt set");
    assertEquals(pcs.status.observedGeneration, pcs.metadata.generation);
  } finally {
    op.stop();
  }
});

Deno.test("operator: OnDelete replaces only the pods someone deletes, on the new template", async () => {
  const { store, op } = await setup();
  try {
    setImage(store, "OnDelete");
    await new Promise((r) => setTimeout(r, 80));
    assertEquals(op.actions.filter((a) => a.action === "delete-pod").length, 0);
    const prefill = pods(store, "qwen-disagg-0-prefill");
    assert(prefill.every((p) => imageOf(p) !== NEW));
    store.delete("pods", NS, prefill[0].metadata.name);
    await until(
      "a replacement on the new image",
      () =>
        pods(store, "qwen-disagg-0-prefill").some((p) =>
          imageOf(p) === NEW && isPodReady(p as Pod)
        ),
    );
    const now = pods(store, "qwen-disagg-0-prefill");
    assertEquals(now.length, prefill.length);
    assertEquals(now.filter((p) => imageOf(p) === NEW).length, 1, "only the deleted pod changed");
    assertEquals(
      now.find((p) => imageOf(p) === NEW)!.spec.nodeName,
      prefill[0].spec.nodeName,
      "same node",
    );
  } finally {
    op.stop();
  }
});

Deno.test("operator: /scale of a PodClique, a scaling group and the set", async () => {
  const { store, op } = await setup();
  try {
    store.update("podcliques", NS, "qwen-disagg-0-prefill", (o) => {
      o.spec.replicas = 3;
    });
    await until(
      "3 ready prefill pods",
      () => pods(store, "qwen-disagg-0-prefill").filter((p) => isPodReady(p as Pod)).length === 3,
    );
    store.update("podcliques", NS, "qwen-disagg-0-prefill", (o) => {
      o.spec.replicas = 1;
    });
    await until("1 prefill pod", () => pods(store, "qwen-disagg-0-prefill").length === 1);

    const g = store.list("podcliquescalinggroups", NS).find((x) =>
      x.metadata.labels?.["app.kubernetes.io/part-of"] === PCS
    )!;
    const before = Number(g.spec.replicas);
    store.update("podcliquescalinggroups", NS, g.metadata.name, (o) => {
      o.spec.replicas = before + 1;
    });
    const member = `${g.metadata.name}-${before}-dleader`;
    await until(
      "a new scaling-group replica with ready pods",
      () =>
        !!store.get("podcliques", NS, member) &&
        pods(store, member).some((p) => isPodReady(p as Pod)),
    );
    assert(
      store.list("podgangs", NS).some((x) => x.metadata.name === `${PCS}-0-decode-${before - 1}`),
      "scaled gang created",
    );

    store.update("podcliquesets", NS, PCS, (o) => {
      o.spec.replicas = 2;
    });
    await until(
      "replica 1 with ready pods",
      () =>
        pods(store).filter((p) =>
          p.metadata.labels?.["grove.io/podcliqueset-replica-index"] === "1" && isPodReady(p as Pod)
        ).length > 0,
    );
    assert(store.get("podgangs", NS, `${PCS}-1`), "base gang of replica 1");
    store.update("podcliquesets", NS, PCS, (o) => {
      o.spec.replicas = 1;
    });
    await until(
      "replica 1 gone",
      () =>
        !pods(store).some((p) =>
          p.metadata.labels?.["grove.io/podcliqueset-replica-index"] === "1"
        ) &&
        !store.list("podcliques", NS).some((q) => q.metadata.name.startsWith(`${PCS}-1-`)),
    );
  } finally {
    op.stop();
  }
});

Deno.test("operator: a deleted set loses its children, then its finalizers", async () => {
  const { store, op } = await setup();
  try {
    store.update("podcliquesets", NS, PCS, (o) => {
      o.metadata.finalizers = ["grove.io/podcliqueset.grove.io"];
    });
    store.delete("podcliquesets", NS, PCS);
    await until(
      "the set and its pods gone",
      () =>
        !store.get("podcliquesets", NS, PCS) && pods(store).length === 0 &&
        !store.list("podcliques", NS).some((q) => q.metadata.name.startsWith(`${PCS}-`)),
    );
  } finally {
    op.stop();
  }
});

Deno.test("operator: new pods go where GPUs are free within the gang's required domain; none free: Pending until room appears", async () => {
  const { store, op } = await setup();
  const nodes = store.list("nodes");
  const free = () => {
    const used = gpusAllocatedByNode(store.list("pods") as Pod[]);
    return nodes.map((n) => ({
      name: n.metadata.name,
      rack: n.metadata.labels?.["topology.kubernetes.io/rack"],
      zone: n.metadata.labels?.["topology.kubernetes.io/zone"],
      free: nodeGpus(n as Node) - (used.get(n.metadata.name) ?? 0),
    }));
  };
  const slots = (zone?: string) =>
    free().filter((n) => !zone || n.zone === zone).reduce(
      (s, n) => s + Math.floor(Math.max(0, n.free) / 4),
      0,
    );
  try {
    // The prefill gang must stay in zone us-east-1a (required pack), which has
    // room for one more 4-GPU pod; the cluster as a whole has room for 7.
    assertEquals([slots("us-east-1a"), slots()], [1, 7]);
    const rackOf = new Map(free().map((n) => [n.name, n.rack]));
    const first = pods(store, "qwen-disagg-0-prefill")[0].spec.nodeName;
    store.update("podcliques", NS, "qwen-disagg-0-prefill", (o) => {
      o.spec.replicas = 2 + 3;
    });
    await until(
      "1 new prefill pod ready",
      () => pods(store, "qwen-disagg-0-prefill").filter((p) => isPodReady(p as Pod)).length === 3,
    );
    await new Promise((r) => setTimeout(r, 50));
    const all = pods(store, "qwen-disagg-0-prefill") as Pod[];
    assertEquals(all.length, 5);
    const placed = all.find((p) => p.metadata.labels?.["grove.io/podclique-pod-index"] === "2")!;
    assertEquals(
      rackOf.get(placed.spec.nodeName!),
      rackOf.get(first),
      "near its clique: same rack",
    );
    const pending = all.filter((p) => !p.spec.nodeName);
    assertEquals(
      pending.length,
      2,
      "no node of the zone has 4 free GPUs; other zones do not count",
    );
    const cond = pending[0].status?.conditions?.find((c) => c.type === "PodScheduled");
    assertEquals([cond?.status, cond?.reason], ["False", "Unschedulable"]);
    assert(/insufficient nvidia\.com\/gpu \(needs 4\)/.test(cond?.message ?? ""), cond?.message);
    for (const n of free()) assert(n.free >= 0, `node ${n.name} over-committed: ${n.free}`);

    // Room appears in the zone (a decode group replica goes): both pending pods start there.
    store.update("podcliquescalinggroups", NS, "qwen-disagg-0-decode", (o) => {
      o.spec.replicas = 1;
    });
    await until(
      "the pending pods scheduled and ready",
      () => pods(store, "qwen-disagg-0-prefill").filter((p) => isPodReady(p as Pod)).length === 5,
    );
    const zoneOf = new Map(free().map((n) => [n.name, n.zone]));
    for (const p of pods(store, "qwen-disagg-0-prefill")) {
      assertEquals(zoneOf.get(p.spec.nodeName), "us-east-1a", p.metadata.name);
    }
    for (const n of free()) assert(n.free >= 0, `node ${n.name} over-committed: ${n.free}`);
  } finally {
    op.stop();
  }
});
