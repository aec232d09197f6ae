// The test bed's MirrorStore (the operator simulation's view of a real API
// server), exercised against the simulated API server: what it forwards and
// what it leaves to the server.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { mergeDiff, MirrorStore } from "../../../testbed/ts/mirror_store.ts";
import { startSimCluster } from "../../../lib/sim/server.ts";
import { connect } from "../../../lib/kube/connect.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const R = Resources;

Deno.test("mergeDiff: an RFC 7386 patch from a to b", () => {
  assertEquals(mergeDiff({ a: 1 }, { a: 1 }), undefined);
  assertEquals(mergeDiff({ a: 1, b: 2 }, { a: 1 }), { b: null });
  assertEquals(mergeDiff({ a: { x: 1, y: 2 } }, { a: { x: 1, y: 3 } }), { a: { y: 3 } });
  assertEquals(mergeDiff({ l: [1, 2] }, { l: [1] }), { l: [1] });
  assertEquals(mergeDiff({ s: "x" }, { s: undefined }), { s: null });
  assertEquals(mergeDiff(undefined, { a: 1 }), { a: 1 });
});

Deno.test(
  "MirrorStore: writes reach the server, server-owned fields stay the server's",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const m = new MirrorStore(kube);
    try {
      await m.start();
      const pcs = m.get(R.podcliquesets, "inference", "qwen-disagg")!;
      assert(pcs, "the mirror listed the PodCliqueSets");
      assertEquals(m.list(R.podcliquesets, "inference").length, 2);

      // a created object's owner reference carries the server's uid, whatever the caller had
      const gang: KubeObject = {
        apiVersion: "scheduler.grove.io/v1alpha1",
        kind: "PodGang",
        metadata: {
          name: "qwen-disagg-9",
          namespace: "inference",
          labels: { "app.kubernetes.io/part-of": "qwen-disagg" },
          ownerReferences: [{
            apiVersion: "grove.io/v1alpha1",
            kind: "PodCliqueSet",
            name: "qwen-disagg",
            uid: "stale-uid",
            controller: true,
          }],
        },
        spec: { podgroups: [] },
        status: { phase: "Pending" },
      };
      const local = m.create(R.podgangs, gang);
      assertEquals(local.metadata.name, "qwen-disagg-9");
      await m.flush();
      const onServer = await kube.get(R.podgangs, "qwen-disagg-9", "inference");
      assertEquals(onServer.metadata.ownerReferences?.[0].uid, pcs.metadata.uid);
      assertEquals(onServer.status?.phase, "Pending");
      assertEquals(
        m.get(R.podgangs, "inference", "qwen-disagg-9")?.metadata.uid,
        onServer.metadata.uid,
      );

      // a replace sends labels and spec as a merge patch, status through /status
      const cur = m.get(R.podgangs, "inference", "qwen-disagg-9")!;
      m.replace(R.podgangs, {
        ...structuredClone(cur),
        metadata: { ...structuredClone(cur.metadata), labels: { ...cur.metadata.labels, x: "1" } },
        status: { phase: "Running" },
      });
      await m.flush();
      const after = await kube.get(R.podgangs, "qwen-disagg-9", "inference");
      assertEquals(after.metadata.labels?.x, "1");
      assertEquals(after.status?.phase, "Running");

      // pod status and node are the kubelet's and the scheduler's: never sent
      const pod = m.list(R.pods, "inference").find((p) =>
        p.metadata.labels?.["app.kubernetes.io/part-of"] === "sglang-chat"
      )!;
      const before = await kube.get(R.pods, pod.metadata.name, "inference");
      const sent = m.forwarded;
      const same = m.replace(R.pods, {
        ...structuredClone(pod),
        spec: { ...structuredClone(pod.spec), nodeName: "elsewhere" },
        status: { phase: "Failed" },
      });
      assertEquals(same.status?.phase, pod.status?.phase);
      await m.flush();
      assertEquals(m.forwarded, sent, "nothing was sent for a pod status change");
      const podAfter = await kube.get(R.pods, pod.metadata.name, "inference");
      assertEquals(podAfter.spec?.nodeName, before.spec?.nodeName);
      assertEquals(podAfter.status?.phase, before.status?.phase);

      // a delete is sent, and the object stays gone locally
      m.delete(R.podgangs, "inference", "qwen-disagg-9");
      await m.flush();
      let status = 0;
      await kube.get(R.podgangs, "qwen-disagg-9", "inference").catch((e) => status = e.status);
      assertEquals(status, 404);
      assertEquals(m.get(R.podgangs, "inference", "qwen-disagg-9"), undefined);
      assertEquals(m.errors, []);
    } finally {
      await m.stop();
      await sim.stop();
    }
  },
);

Deno.test(
  "MirrorStore gangPhases false: PodGang phases stay as the operator wrote them",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const m = new MirrorStore(kube, { gangPhases: false });
    try {
      await m.start();
      m.create(R.podgangs, {
        apiVersion: "scheduler.grove.io/v1alpha1",
        kind: "PodGang",
        metadata: { name: "sglang-chat-7", namespace: "inference" },
        spec: { podgroups: [] },
        status: { phase: "Pending" },
      });
      await m.flush();
      const cur = m.get(R.podgangs, "inference", "sglang-chat-7")!;
      m.replace(R.podgangs, { ...structuredClone(cur), status: { phase: "Running" } });
      await m.flush();
      assertEquals(
        (await kube.get(R.podgangs, "sglang-chat-7", "inference")).status?.phase,
        "Pending",
      );
      assertEquals(m.get(R.podgangs, "inference", "sglang-chat-7")?.status?.phase, "Pending");
    } finally {
      await m.stop();
      await sim.stop();
    }
  },
);
