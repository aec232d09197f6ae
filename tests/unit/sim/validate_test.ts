import assert from "node:assert/strict";
import { Resources } from "../../../lib/kube/resources.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { evalCelRule } from "../../../lib/sim/cel.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { resourceOfObject } from "../../../lib/sim/resolve.ts";
import { validateObject } from "../../../lib/sim/validate.ts";

function pcs(spec: unknown, name = "demo"): KubeObject {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name, namespace: "ns" },
    spec,
  };
}

const clique = (name: string, spec: Record<string, unknown> = {}) => ({
  name,
  spec: { roleName: name, replicas: 1, podSpec: { containers: [{ name, image: "x" }] }, ...spec },
});

const fields = async (o: KubeObject, r = Resources.podcliquesets) =>
  (await validateObject(r, o)).causes.map((c) => `${c.field}: ${c.message}`);

Deno.test("validation: a valid PCS passes and gets the CRD defaults", async () => {
  const o = pcs({ replicas: 1, template: { cliques: [clique("frontend")] } });
  assert.deepEqual(await fields(o), []);
  assert.equal(o.spec.template.cliqueStartupType, "CliqueStartupTypeAnyOrder", "defaulted");
});

Deno.test("validation: required fields, types and enums give field causes like the API server", async () => {
  const missing = await fields(pcs({ template: { cliques: [{ name: "x" }] } }));
  assert.ok(missing.includes("spec.template.cliques[0].spec: Required value"), missing.join("\n"));
  const typed = await fields(pcs({ replicas: "two", template: { cliques: [clique("a")] } }));
  assert.deepEqual(typed, [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
  ]);
  const en = await fields(
    pcs({ template: { cliques: [clique("a")], cliqueStartupType: "Sometimes" } }),
  );
  assert.equal(en.length, 1);
  assert.match(
    en[0],
    /^spec.template.cliqueStartupType: Unsupported value: "Sometimes": supported values: /,
  );
  assert.deepEqual(await fields(pcs(undefined)), ["spec: Required value"]);
});

Deno.test("validation: Grove's webhook rules (negative replicas, minAvailable, duplicates)", async () => {
  const neg = await fields(
    pcs({ replicas: -1, template: { cliques: [clique("a", { replicas: -2 })] } }),
  );
  assert.deepEqual(neg, [
    "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    "spec.template.cliques[0].spec.replicas: Invalid value: -2: must be greater than or equal to 0",
  ]);
  const min = await fields(
    pcs({ template: { cliques: [clique("a", { replicas: 1, minAvailable: 3 }), clique("a")] } }),
  );
  assert.deepEqual(min, [
    "spec.template.cliques[0].spec.minAvailable: Invalid value: 3: must not be greater than replicas (1)",
    'spec.template.cliques[1].name: Duplicate value: "a"',
  ]);
});

Deno.test("validation: unknown fields are reported and pruned; bad names are invalid", async () => {
  const o = pcs({ template: { cliques: [clique("a")] }, bogus: 1 });
  const res = await validateObject(Resources.podcliquesets, o);
  assert.deepEqual(res.unknownFields, ["spec.bogus"]);
  assert.equal(o.spec.bogus, undefined);
  const bad = await fields(pcs({ template: { cliques: [clique("a")] } }, "Bad_Name"));
  assert.match(bad[0], /^metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
});

Deno.test("validation: the CEL rules of the PCS CRD (packDomain deprecated on new objects)", async () => {
  const tc = { packDomain: "rack" };
  const created = await fields(
    pcs({ template: { cliques: [clique("a")], topologyConstraint: tc } }),
  );
  assert.ok(
    created.some((c) =>
      c.startsWith(
        "spec.template.topologyConstraint.packDomain: Forbidden: packDomain is deprecated",
      )
    ),
    created.join("\n"),
  );
  const old = pcs({ template: { cliques: [clique("a")], topologyConstraint: tc } });
  const updated = await validateObject(
    Resources.podcliquesets,
    pcs({ template: { cliques: [clique("a")], topologyConstraint: tc } }),
    { old },
  );
  assert.deepEqual(updated.causes, [], "allowed on objects that had it (oldSelf.hasValue())");
  assert.equal(evalCelRule("has(self.a) || has(self.b)", { b: 1 }, undefined, false), true);
  assert.equal(
    evalCelRule("self.l.all(x, !has(x.p))", { l: [{}, { p: 1 }] }, undefined, false),
    false,
  );
  assert.equal(
    evalCelRule("self.x == 1", {}, undefined, false),
    undefined,
    "unsupported: not checked",
  );
});

Deno.test("validation: every Grove object of the healthy scenario passes its CRD schema", async () => {
  const s = await loadScenario("healthy", { shiftTimes: false });
  let n = 0;
  for (const o of s.objects) {
    const r = resourceOfObject(o);
    if (!r || !r.group.endsWith("grove.io")) continue;
    const res = await validateObject(r, structuredClone(o), { applyDefaults: false });
    assert.deepEqual(res.causes, [], `${o.kind}/${o.metadata.name}`);
    n++;
  }
  assert.ok(n > 5);
});

Deno.test("validation: core kinds only get their names checked", async () => {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { anything: 1 } };
  assert.deepEqual((await validateObject(Resources.pods, pod)).causes, []);
});
