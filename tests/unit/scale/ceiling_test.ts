// Issue 21 item 4: absurd scale values are refused before a plan is built; a scale-up beyond
// the ceiling or the cluster's CPU/memory needs --force; refusals say how many pods do not fit.
import { assertEquals, assertMatch } from "../../helpers/assert.ts";
import { runCli } from "../../helpers/cli.ts";
import { startSimCluster } from "../../../lib/sim/server.ts";
import { freeCpuMemory } from "../../../tasks/scale/ceiling.ts";

Deno.test("scale: absurd values are usage errors; ceilings and CPU/memory are refusals that --force overrides", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const run = (...a: string[]) =>
      runCli(["scale", "qwen-disagg", "-n", "inference", ...a, "--dry-run"], { env });
    const huge = await run("--frontend=999999");
    assertEquals(huge.code, 2, huge.stderr);
    assertMatch(huge.stderr, /--frontend=999999 .*above the limit of 10000 replicas per role/);
    const million = await run("--replicas=1000000");
    assertEquals(million.code, 2, million.stderr);
    assertMatch(million.stderr, /--replicas=1000000 gives prefill \d+, decode \d+/);
    assert80(million.stderr);
    const ceiling = await run("--frontend=600");
    assertEquals(ceiling.code, 1, ceiling.stderr);
    assertMatch(ceiling.stderr, /role frontend: 600 replicas is above the ceiling of 512/);
    assertMatch(
      ceiling.stderr,
      /role frontend: \d+ of 598 new pods do not fit: each requests 8 CPU/,
    );
    const forced = await run("--frontend=600", "--force");
    assertEquals(forced.code, 0, forced.stderr);
    // nothing was written by any of them
    const pcs = sim.store.get("podcliques", "inference", "qwen-disagg-0-frontend")!;
    assertEquals(pcs.spec.replicas, 2);
  } finally {
    await sim.stop();
  }
});

function assert80(text: string) {
  // the error is one line per cause, never a megabyte (the old code built a 142 MB line)
  if (text.length > 2000) throw new Error(`error text of ${text.length} characters`);
}

Deno.test("freeCpuMemory: allocatable of Ready, schedulable nodes minus running pods' requests", () => {
  const node = (name: string, cpu: string, mem: string, ready = true, cordoned = false) => ({
    metadata: { name },
    spec: { unschedulable: cordoned },
    status: {
      allocatable: { cpu, memory: mem },
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  });
  const pod = (node: string, cpu: string, phase = "Running") => ({
    metadata: { name: `p-${node}-${cpu}` },
    spec: { nodeName: node, containers: [{ name: "c", resources: { requests: { cpu } } }] },
    status: { phase },
  });
  const free = freeCpuMemory(
    [
      node("a", "8", "32Gi"),
      node("b", "16", "64Gi", false),
      node("c", "4", "8Gi", true, true),
    ] as never,
    [pod("a", "2500m"), pod("a", "1", "Succeeded"), pod("b", "4")] as never,
  );
  assertEquals(free.cpu, 5.5);
  assertEquals(free.memory, 32 * 2 ** 30);
});
