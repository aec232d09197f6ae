// Grove's operator writes PodGang phase Pending; with the kube-scheduler backend nothing writes
// Running (seen on the real test bed). A gang whose pods are all bound and Ready is running.
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

Deno.test("status and health: Pending gangs whose pods are all bound and Ready count as running", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    for (const g of sim.store.list("podgangs", "inference")) {
      sim.store.update("podgangs", "inference", g.metadata.name, (o) => {
        o.status = { ...(o.status ?? {}), phase: "Pending" };
        delete o.status.placementScore;
      });
    }
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const s = await runCli(["status", "qwen-disagg", "-n", "inference", "-o", "json"], { env });
    const set = JSON.parse(s.stdout).podCliqueSets[0];
    assertEquals(set.gangs.every((g: { phase: string }) => g.phase === "Running"), true, s.stdout);
    assertEquals(set.gangs[0].phaseFrom, "pods");
    assertMatch(JSON.stringify(set.summary ?? set), /"gangsRunning":2|gangs running/);
    const h = await runCli(["health", "qwen-disagg", "-n", "inference"], { env });
    assertEquals(h.code, 0, h.stdout + h.stderr);
    // a gang with a pod that is not Ready stays Pending
    const pod = sim.store.list("pods", "inference").find((p) =>
      p.metadata.labels?.["grove.io/podclique"] === "qwen-disagg-0-frontend"
    )!;
    sim.store.update("pods", "inference", pod.metadata.name, (o) => {
      o.status.conditions = (o.status.conditions ?? []).map((c: { type: string }) =>
        c.type === "Ready" ? { ...c, status: "False" } : c
      );
    });
    const s2 = await runCli(["status", "qwen-disagg", "-n", "inference", "-o", "json"], { env });
    const gangs2 = JSON.parse(s2.stdout).podCliqueSets[0].gangs as {
      name: string;
      phase: string;
    }[];
    assertEquals(gangs2.find((g) => g.name === "qwen-disagg-0")!.phase, "Pending");
  } finally {
    await sim.stop();
  }
});
