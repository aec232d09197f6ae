import { assertEquals } from "../../helpers/assert.ts";
import type { PodCliqueSet } from "../../../lib/grove/types.ts";
import { expandPodCliqueSet } from "../../../lib/sim/expansion.ts";

const pcs = {
  apiVersion: "grove.io/v1alpha1",
  kind: "PodCliqueSet",
  metadata: { name: "m", namespace: "ns" },
  spec: {
    replicas: 2,
    template: {
      cliques: [
        { name: "fe", spec: { replicas: 1 } },
        { name: "lead", spec: { replicas: 1 } },
        { name: "work", spec: { replicas: 2 } },
      ],
      podCliqueScalingGroups: [
        { name: "dec", cliqueNames: ["lead", "work"], replicas: 2, minAvailable: 1 },
      ],
    },
  },
} as unknown as PodCliqueSet;

Deno.test("expansion: standalone cliques and the first minAvailable group replicas in the base gang, the rest scaled", () => {
  const e = expandPodCliqueSet(pcs);
  assertEquals(
    [...e.gangs],
    [
      ["m-0", ["m-0-fe", "m-0-dec-0-lead", "m-0-dec-0-work"]],
      ["m-0-dec-0", ["m-0-dec-1-lead", "m-0-dec-1-work"]],
      ["m-1", ["m-1-fe", "m-1-dec-0-lead", "m-1-dec-0-work"]],
      ["m-1-dec-0", ["m-1-dec-1-lead", "m-1-dec-1-work"]],
    ],
  );
  assertEquals(e.groups.map((g) => [g.name, g.replicas, g.minAvailable]), [
    ["m-0-dec", 2, 1],
    ["m-1-dec", 2, 1],
  ]);
  const lead = e.cliques.find((c) => c.name === "m-0-dec-1-lead")!;
  assertEquals(
    [lead.replica, lead.group, lead.groupTemplate, lead.groupReplica, lead.template.name],
    [0, "m-0-dec", "dec", 1, "lead"],
  );
});

Deno.test("expansion: a scaling group's live replicas (its /scale) override the template", () => {
  const e = expandPodCliqueSet(pcs, new Map([["m-0-dec", 3], ["m-1-dec", 1]]));
  assertEquals([...e.gangs.keys()], ["m-0", "m-0-dec-0", "m-0-dec-1", "m-1"]);
  assertEquals(e.cliques.filter((c) => c.group === "m-0-dec").length, 6);
});
