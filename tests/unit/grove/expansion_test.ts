// The one Grove expansion (lib/grove/expansion.ts): the template's cliques
// and gangs, the live PodCliqueScalingGroup overriding the template's
// replicas and minAvailable, and status and health agreeing when a scaling
// group was scaled (health used to expand from the template alone).
import { assert, assertEquals } from "../../helpers/assert.ts";
import { expectedCliques, expectedGangs } from "../../../lib/grove/expansion.ts";
import type { PodCliqueScalingGroup, PodCliqueSet } from "../../../lib/grove/types.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { healthObjectsFrom } from "../../../tasks/health/from_objects.ts";
import { buildHealthReport } from "../../../tasks/health/report.ts";
import { buildStatusReport, selectStatusObjects } from "../../../tasks/status/report.ts";

const PCS = {
  metadata: { name: "llm", namespace: "ns" },
  spec: {
    replicas: 1,
    template: {
      cliques: [
        { name: "fe", spec: { replicas: 1 } },
        { name: "lead", spec: { replicas: 1, roleName: "decode-leader" } },
        { name: "work", spec: { replicas: 2, minAvailable: 1 } },
      ],
      podCliqueScalingGroups: [
        { name: "dec", cliqueNames: ["lead", "work"], replicas: 1, minAvailable: 1 },
      ],
    },
  },
} as unknown as PodCliqueSet;

function pcsg(name: string, namespace: string, replicas: number, minAvailable?: number) {
  return {
    kind: "PodCliqueScalingGroup",
    metadata: { name, namespace },
    spec: { replicas, ...(minAvailable === undefined ? {} : { minAvailable }) },
  } as unknown as PodCliqueScalingGroup;
}

Deno.test("expectedCliques: the template's cliques, standalone first, in the base gang", () => {
  const c = expectedCliques(PCS);
  assertEquals(c.map((x) => [x.name, x.gang, x.role, x.replicas, x.minAvailable]), [
    ["llm-0-fe", "llm-0", "fe", 1, 1],
    ["llm-0-dec-0-lead", "llm-0", "decode-leader", 1, 1],
    ["llm-0-dec-0-work", "llm-0", "work", 2, 1],
  ]);
  assertEquals(expectedGangs(PCS).map((g) => g.name), ["llm-0"]);
});

Deno.test("expectedCliques: a live PCSG's replicas and minAvailable override the template", () => {
  const scaled = { scalingGroups: [pcsg("llm-0-dec", "ns", 3)] };
  const gangs = expectedCliques(PCS, scaled).filter((c) => c.scalingGroup === "dec")
    .map((c) => `${c.name}@${c.gang}`);
  assertEquals(gangs, [
    "llm-0-dec-0-lead@llm-0",
    "llm-0-dec-0-work@llm-0",
    "llm-0-dec-1-lead@llm-0-dec-0",
    "llm-0-dec-1-work@llm-0-dec-0",
    "llm-0-dec-2-lead@llm-0-dec-1",
    "llm-0-dec-2-work@llm-0-dec-1",
  ]);
  assertEquals(expectedGangs(PCS, scaled).map((g) => [g.name, g.cliques.length]), [
    ["llm-0", 3],
    ["llm-0-dec-0", 2],
    ["llm-0-dec-1", 2],
  ]);
  // minAvailable 2 on the live object: the first two replicas share the base gang
  const min2 = expectedGangs(PCS, { scalingGroups: [pcsg("llm-0-dec", "ns", 3, 2)] });
  assertEquals(min2.map((g) => g.name), ["llm-0", "llm-0-dec-0"]);
});

Deno.test("expectedCliques: a PCSG of the same name in another namespace is not this set's", () => {
  const other = { scalingGroups: [pcsg("llm-0-dec", "elsewhere", 3)] };
  assertEquals(expectedCliques(PCS, other), expectedCliques(PCS));
});

Deno.test("status and health agree on the gangs of a scaled scaling group", async () => {
  const sc = await loadScenario("fragmented", { shiftTimes: false });
  const ns = sc.meta.namespace!;
  const now = Date.parse(sc.meta.recordedAt);
  // scale the first scaling group one replica beyond what the template says
  const objects = structuredClone(sc.objects) as KubeObject[];
  const group = objects.find((o) => o.kind === "PodCliqueScalingGroup") as PodCliqueScalingGroup;
  assert(group, "the fragmented scenario has a scaling group");
  const pcsName = group.metadata.labels!["app.kubernetes.io/part-of"];
  const before = (group.spec?.replicas ?? 1) as number;
  group.spec = { ...group.spec, replicas: before + 1 };

  const status = buildStatusReport(
    selectStatusObjects(objects, {
      name: pcsName,
      namespace: ns,
      all: false,
      allNamespaces: false,
    }),
    { now },
  );
  const health = buildHealthReport(healthObjectsFrom(objects, { namespace: ns, pcs: pcsName }), {
    now,
    pcs: pcsName,
  });
  const newCliques = status.podCliqueSets[0].cliques.filter((c) =>
    !c.exists && c.scalingGroupReplica === before
  );
  assert(newCliques.length > 0, "status expects the cliques of the new scaling group replica");
  const newGang = newCliques[0].gang;
  assert(newGang, "the new cliques name their gang");
  const gang = health.gangs.find((g) => g.name === newGang);
  assert(gang, `health expects gang ${newGang}, as status does`);
  assertEquals(gang.phase, "NotCreated");
  const statusGangs = new Set(status.podCliqueSets[0].cliques.map((c) => c.gang));
  const healthGangs = new Set(health.gangs.map((g) => g.name));
  assertEquals([...healthGangs].sort(), [...statusGangs].sort());
});
