// The real tier on scenario "fragmented": other teams' pods hold most GPUs,
// one node is NotReady and one cordoned: 4 pods need 8 free GPUs and only 2 nodes
// have them. kube-scheduler (not a simulation)
// decides which of llama-disagg's pods fit; the tool must explain the rest.
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { bed, cli, opts, podsOf, waitFor } from "./helpers.ts";

const NS = "inference";

Deno.test("real: a fragmented cluster, scheduled by kube-scheduler", opts, async (t) => {
  const b = await bed({ scenario: "fragmented" });
  try {
    const pending = await waitFor(
      "llama-disagg pods placed or refused by the scheduler",
      async () => {
        const { pods } = await podsOf(b, NS, "llama-disagg");
        const events = (await b.kube.list(Resources.events, { namespace: NS })).items;
        const refused = events.filter((e) => e.reason === "FailedScheduling");
        const bound = pods.filter((p) => p.spec?.nodeName);
        return pods.length === 9 && bound.length + refused.length >= 9 && bound.length < 9
          ? pods.filter((p) => !p.spec?.nodeName)
          : undefined;
      },
      90_000,
    );
    assert(pending.length > 0, "every pod found room: the scenario is not fragmented any more");

    await t.step(
      "health: the gangs that cannot be placed, with the scheduler's own reason",
      async () => {
        const h = await waitFor("a breach reported", async () => {
          const r = await cli(b, ["health", "llama-disagg", "-n", NS]);
          return r.stdout.includes("BREACHED") ? r : undefined;
        }, 30_000);
        assertEquals(h.code, 3, h.stderr);
        assertMatch(
          h.stdout.replace(/\s+/g, " "),
          /Pending: Unschedulable: 0\/18 nodes are available: .*Insufficient nvidia\.com\/gpu/,
        );
        assertMatch(h.stdout, /Termination countdown/);
      },
    );

    await t.step(
      "status: the set is Unhealthy, cliques below minAvailable are marked",
      async () => {
        const s = await cli(b, ["status", "llama-disagg", "-n", NS]);
        assertEquals(s.code, 0, s.stderr);
        assertMatch(s.stdout, /^State: +Unhealthy$/m);
        assertMatch(s.stdout, /^! llama-disagg-0-decode-\d-d(leader|worker) /m);
      },
    );

    await t.step("topology --cluster: free GPUs per domain on the real nodes", async () => {
      const c = await cli(b, ["topology", "--cluster", "-o", "json"]);
      assertEquals(c.code, 0, c.stderr);
      const j = JSON.stringify(JSON.parse(c.stdout));
      assert(j.includes("rack-b2"), "no rack domain in the cluster report");
    });

    await t.step("scale refuses what the cluster cannot place", async () => {
      const r = await cli(b, ["scale", "llama-disagg", "-n", NS, "--prefill=5", "--yes"]);
      assert(r.code !== 0, r.stdout);
      assertMatch(r.stderr, /no capacity|no room|not fit/i);
    });
    assertEquals(b.store.errors, [], "writes the API server refused");
  } finally {
    await b.stop();
  }
});
