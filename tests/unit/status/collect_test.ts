// The I/O step of status on a fake client: which lists, how many, filtered
// how, concurrently; and the errors a user gets.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../helpers/assert.ts";
import { ApiError, GroveError } from "../../../lib/errors.ts";
import { collectStatus, statusListSpecs, statusScope } from "../../../tasks/status/collect.ts";
import { FakeKube } from "../watch/_fake_kube.ts";
import { OBJECT_FIELDS, POD_FIELDS } from "../../../lib/kube/fields.ts";
import { demoPcs } from "./_helpers.ts";

const pcs = (name: string, ns = "team") => {
  const p = demoPcs();
  p.metadata = { ...p.metadata, name, namespace: ns };
  return p;
};

Deno.test("collect: one PCS is five lists, issued concurrently, filtered on the server", async () => {
  const k = new FakeKube("team");
  k.lists.set("podcliquesets", [pcs("demo")]);
  const out = await collectStatus(k, { name: "demo" });
  assertEquals(k.calls.length, 5);
  assertEquals(k.maxInFlight, 5);
  // each item is cut down to what the report reads (lib/kube/fields.ts)
  const fields = OBJECT_FIELDS;
  assertEquals(k.calls.map((c) => [c.plural, c.options]), [
    ["podcliquesets", { namespace: "team", fieldSelector: "metadata.name=demo", fields }],
    ["podcliques", {
      namespace: "team",
      labelSelector: "app.kubernetes.io/part-of=demo",
      fields,
    }],
    ["podcliquescalinggroups", {
      namespace: "team",
      labelSelector: "app.kubernetes.io/part-of=demo",
      fields,
    }],
    ["podgangs", { namespace: "team", labelSelector: "app.kubernetes.io/part-of=demo", fields }],
    ["pods", {
      namespace: "team",
      labelSelector: "app.kubernetes.io/part-of=demo",
      fields: POD_FIELDS,
    }],
  ]);
  assertEquals(out.podCliqueSets.length, 1);
  assert(Object.values(out.resourceVersions).every((rv) => rv !== ""));
});

Deno.test("collect: --all -A lists the same five kinds cluster-wide, Grove-owned ones by label existence", () => {
  const specs = statusListSpecs(statusScope({ all: true, allNamespaces: true }, "team"));
  const fields = OBJECT_FIELDS;
  assertEquals(specs.map((s) => s.options), [
    { fields },
    { labelSelector: "app.kubernetes.io/part-of", fields },
    { labelSelector: "app.kubernetes.io/part-of", fields },
    { labelSelector: "app.kubernetes.io/part-of", fields },
    { labelSelector: "app.kubernetes.io/part-of", fields: POD_FIELDS },
  ]);
  assertEquals(statusScope({}, "team"), { namespace: "team", all: true, allNamespaces: false });
  assertEquals(statusScope({ name: "x", namespace: "other" }, "team"), {
    name: "x",
    namespace: "other",
    all: false,
    allNamespaces: false,
  });
});

Deno.test("collect: an invalid name is refused before any request", () => {
  const e = (() => {
    try {
      statusScope({ name: "My_PCS" }, "team");
    } catch (e) {
      return e as GroveError;
    }
  })();
  assert(e instanceof GroveError);
  assertStringIncludes(e.message, '"My_PCS" is not a valid PodCliqueSet name');
});

Deno.test("collect: unknown PCS lists close names in the namespace and where the name exists", async () => {
  const k = new FakeKube("team");
  k.lists.set("podcliquesets", [
    pcs("qwen-disagg"),
    pcs("qwen-agg"),
    pcs("llama"),
    pcs("qwen-dissag", "lab"),
  ]);
  const e = await assertRejects(() => collectStatus(k, { name: "qwen-dissag" }), GroveError);
  assertEquals(e.message, 'podcliqueset "qwen-dissag" not found in namespace "team"');
  assertStringIncludes(e.hint!, 'it exists in namespace "lab": add -n lab');
  assertStringIncludes(e.hint!, "did you mean: qwen-disagg?");
  assertEquals(k.calls.length, 7, "five lists, then two only on the error path");
});

Deno.test("collect: unknown PCS in an empty namespace says the namespace has none", async () => {
  const k = new FakeKube("empty");
  const e = await assertRejects(() => collectStatus(k, { name: "demo" }), GroveError);
  assertEquals(
    e.message,
    'podcliqueset "demo" not found in namespace "empty": the namespace has no PodCliqueSets',
  );
  assertStringIncludes(e.hint!, "kubectl grove status --all -A");
});

Deno.test("collect: Grove API missing (404 on the group) asks whether the operator is installed", async () => {
  const k = new FakeKube("team");
  k.failures.set(
    "podcliquesets",
    new ApiError({
      status: 404,
      reason: "NotFound",
      verb: "list",
      resource: "podcliquesets.grove.io",
    }),
  );
  const e = await assertRejects(() => collectStatus(k, { name: "demo" }), GroveError);
  assertStringIncludes(
    e.message,
    "does not serve podcliquesets.grove.io (grove.io/v1alpha1): is the Grove operator installed?",
  );
  assertStringIncludes(e.hint!, "kubectl get crd podcliquesets.grove.io");
  assertEquals(e.exitCode, 1);
});

Deno.test("collect: 403 passes the API error on (which verb on which resource)", async () => {
  const k = new FakeKube("team");
  k.lists.set("podcliquesets", [pcs("demo")]);
  k.failures.set(
    "pods",
    new ApiError({
      status: 403,
      reason: "Forbidden",
      verb: "list",
      resource: "pods",
      namespace: "team",
    }),
  );
  const e = await assertRejects(() => collectStatus(k, { name: "demo" }), ApiError);
  assertEquals(e.message, 'forbidden: cannot list pods in namespace "team"');
  assertStringIncludes(e.hint!, "kubectl auth can-i list pods -n team");
});

Deno.test("collect: with -A an unknown name is looked up in every namespace", async () => {
  const k = new FakeKube("team");
  k.lists.set("podcliquesets", [pcs("qwen-disagg", "a"), pcs("llama", "b")]);
  const e = await assertRejects(
    () => collectStatus(k, { name: "qwen-disag", allNamespaces: true }),
    GroveError,
  );
  assertEquals(e.message, 'podcliqueset "qwen-disag" not found in any namespace');
  assertStringIncludes(e.hint!, "did you mean: qwen-disagg?");
});
