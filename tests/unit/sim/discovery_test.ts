// Aggregated discovery (apidiscovery.k8s.io/v2), as kube-apiserver serves it.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { aggregatedDiscovery, wantsAggregatedDiscovery } from "../../../lib/sim/discovery.ts";
import { Resources } from "../../../lib/kube/resources.ts";

Deno.test("wantsAggregatedDiscovery: kubectl's Accept header, not a plain JSON one", () => {
  assert(
    wantsAggregatedDiscovery(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
    ),
  );
  assert(!wantsAggregatedDiscovery("application/json"));
  assert(!wantsAggregatedDiscovery(null));
  assert(
    !wantsAggregatedDiscovery(
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    ),
  );
});

Deno.test("aggregatedDiscovery: groups, scopes, short names and subresources", () => {
  const served = Object.values(Resources);
  // deno-lint-ignore no-explicit-any
  const apis = aggregatedDiscovery(served, false) as any;
  assertEquals([apis.kind, apis.apiVersion], ["APIGroupDiscoveryList", "apidiscovery.k8s.io/v2"]);
  // deno-lint-ignore no-explicit-any
  const grove = apis.items.find((g: any) => g.metadata.name === "grove.io");
  const v = grove.versions[0];
  assertEquals(v.version, "v1alpha1");
  // deno-lint-ignore no-explicit-any
  const pcs = v.resources.find((r: any) => r.resource === "podcliquesets");
  assertEquals(pcs.scope, "Namespaced");
  assertEquals(pcs.shortNames, ["pcs"]);
  assertEquals(pcs.responseKind, { group: "grove.io", version: "v1alpha1", kind: "PodCliqueSet" });
  // deno-lint-ignore no-explicit-any
  const scale = pcs.subresources.find((s: any) => s.subresource === "scale");
  assertEquals(scale.responseKind, { group: "autoscaling", version: "v1", kind: "Scale" });
  // deno-lint-ignore no-explicit-any
  assert(!apis.items.some((g: any) => g.metadata.name === undefined), "no core group under /apis");
  // deno-lint-ignore no-explicit-any
  const core = aggregatedDiscovery(served, true) as any;
  assertEquals(core.items.length, 1);
  assertEquals(core.items[0].metadata.name, undefined);
  // deno-lint-ignore no-explicit-any
  const nodes = core.items[0].versions[0].resources.find((r: any) => r.resource === "nodes");
  assertEquals(nodes.scope, "Cluster");
});
