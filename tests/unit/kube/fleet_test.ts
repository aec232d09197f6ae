// The fleet layer: which contexts, concurrent reads with a per-cluster
// timeout, failures named with a reason, and the CONTEXT column.
import { assert, assertEquals, assertMatch, assertRejects } from "../../helpers/assert.ts";
import { ApiError, ConfigError, UsageError } from "../../../lib/errors.ts";
import {
  failureLines,
  isFleet,
  readFleet,
  resolveFleetContexts,
  withContextColumn,
} from "../../../lib/kube/fleet.ts";
import type { ConnectOptions } from "../../../lib/kube/connect.ts";
import type { Kube } from "../../../lib/kube/types.ts";
import { tempDir } from "./_helpers.ts";

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: b
clusters:
- name: c
  cluster: { server: "https://127.0.0.1:1" }
users:
- name: u
  user: { token: t }
contexts:
- name: b
  context: { cluster: c, user: u }
- name: a
  context: { cluster: c, user: u }
- name: c
  context: { cluster: c, user: u }
`;

Deno.test("resolveFleetContexts: --context in order without duplicates, --all-contexts sorted, errors", async () => {
  const t = await tempDir();
  try {
    const path = `${t.dir}/config`;
    await Deno.writeTextFile(path, KUBECONFIG);
    const o = { kubeconfig: path };
    assertEquals(await resolveFleetContexts({ contexts: ["c", "a", "c"] }, o), ["c", "a"]);
    assertEquals(await resolveFleetContexts({ allContexts: true }, o), ["a", "b", "c"]);
    const e = await assertRejects(
      () => resolveFleetContexts({ contexts: ["a", "nope", "gone"] }, o),
      ConfigError,
    );
    assertMatch(e.message, /contexts "nope", "gone" not found in kubeconfig/);
    assertMatch(e.hint!, /available: a, b, c/);
    await assertRejects(
      () => resolveFleetContexts({ contexts: ["a"], allContexts: true }, o),
      UsageError,
    );
  } finally {
    await t.cleanup();
  }
  assertEquals(isFleet({ contexts: ["a"] }), false);
  assertEquals(isFleet({ contexts: ["a", "b"] }), true);
  assertEquals(isFleet({ allContexts: true }), true);
});

function fakeKube(context: string): Kube {
  return {
    contextName: context,
    server: `https://${context}.example:6443`,
    namespace: "default",
    requests: [{ method: "GET", path: "/api", status: 200, ms: 1 }],
  } as unknown as Kube;
}

Deno.test("readFleet: concurrent, each cluster bounded by its timeout, failures named with a reason", async () => {
  const seen: ConnectOptions[] = [];
  const connect = (o: ConnectOptions) => {
    seen.push(o);
    if (o.context === "broken") {
      return Promise.reject(new ConfigError('context "broken" names no cluster'));
    }
    return Promise.resolve(fakeKube(o.context!));
  };
  const t0 = Date.now();
  const f = await readFleet(
    ["slow", "fast", "denied", "broken"],
    (kube, ctx) => {
      if (ctx === "slow") return new Promise<string>(() => {}); // never answers
      if (ctx === "denied") {
        return Promise.reject(
          new ApiError({ status: 403, reason: "Forbidden", verb: "list", resource: "pods" }),
        );
      }
      return Promise.resolve(`report of ${kube.contextName}`);
    },
    { connect, timeoutMs: 300, now: 0 },
  );
  const ms = Date.now() - t0;
  assert(ms < 1500, `took ${ms}ms`);
  assertEquals([f.kind, f.contexts, f.timeoutMs], ["FleetReport", [
    "slow",
    "fast",
    "denied",
    "broken",
  ], 300]);
  assertEquals(f.items.map((i) => [i.context, i.report, i.requests]), [[
    "fast",
    "report of fast",
    1,
  ]]);
  assertEquals(f.failures.map((x) => [x.context, x.reason]), [
    ["slow", "timeout"],
    ["denied", "refused"],
    ["broken", "config"],
  ]);
  assertMatch(f.failures[0].message, /no answer within 0\.3s from https:\/\/slow\.example:6443/);
  // each request of a cluster is bounded by the cluster's timeout (rounded up to a second)
  assertEquals(seen.map((s) => s.requestTimeout), ["1s", "1s", "1s", "1s"]);
  assertMatch(
    failureLines(f.failures)[0],
    /^context "slow" \(https:\/\/slow\.example:6443\): timeout: /,
  );
});

Deno.test("withContextColumn: one header, every line tagged, blank lines kept", () => {
  const text = withContextColumn([
    { context: "east", text: "NAME   READY\na      1/1\n\nsummary\n" },
    { context: "west-long", text: "NAME   READY\nb      0/1\n" },
  ], true);
  assertEquals(
    text,
    [
      "CONTEXT     NAME   READY",
      "east        a      1/1",
      "",
      "east        summary",
      "west-long   b      0/1",
      "",
    ].join("\n"),
  );
});
