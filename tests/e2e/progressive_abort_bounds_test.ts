// Issue 21 item 3: a rollback never deletes a pod that already runs the target template, and
// stops after a bounded number of replacements when the operator keeps bringing back pods it
// does not recognise (here: the live template changed behind our back after the restore, as a
// different operator version would hash or render it).
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { MAX_SLOT_REPLACEMENTS } from "../../tasks/progressive/rollback.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FAST = ["--interval", "20ms", "--yes"];
const NS = "inference";
const FE = "qwen-disagg-0-frontend";

async function canary() {
  const op = simOperator({ stepMs: 10, readyDelayMs: 20 });
  const s = await startSimCluster({ scenario: "healthy", operator: op });
  const env = { KUBECONFIG: s.kubeconfigPath };
  const deleted: string[] = [];
  s.store.subscribe((e) => {
    if (e.type === "DELETED" && e.object.kind === "Pod") deleted.push(e.object.metadata.name);
  });
  const r = await runCli(
    [
      "rollout",
      "canary",
      "qwen-disagg",
      "-n",
      NS,
      "--image",
      "fe:bad",
      "--role",
      "frontend",
      "--pods",
      "2",
      ...FAST,
    ],
    { env },
  );
  assertEquals(r.code, 0, r.stderr);
  return { s, env, deleted };
}

function stateOf(s: Awaited<ReturnType<typeof startSimCluster>>) {
  const p = s.store.get("podcliquesets", NS, "qwen-disagg")!;
  return JSON.parse(p.metadata.annotations!["kubectl-grove.io/rollout-state"]);
}

Deno.test(
  "rollback: pods that run the restored template are kept even when their hash is new",
  opts,
  async () => {
    const { s, env, deleted } = await canary();
    try {
      // an operator upgrade: the hashes recorded before the rollout no longer match what the
      // operator writes for the same template
      s.store.update("podcliquesets", NS, "qwen-disagg", (o) => {
        const st = JSON.parse(o.metadata.annotations!["kubectl-grove.io/rollout-state"]);
        for (const k of Object.keys(st.stableHashes)) {
          st.stableHashes[k] = ["hash-of-an-older-operator"];
        }
        o.metadata.annotations!["kubectl-grove.io/rollout-state"] = JSON.stringify(st);
      });
      const before = deleted.length;
      const a = await runCli(["rollout", "abort", "qwen-disagg", "-n", NS, ...FAST], { env });
      assertEquals(a.code, 0, a.stdout + a.stderr);
      assertMatch(a.stdout, /rolled-back/);
      // the two canary pods were replaced once each, nothing else
      const byAbort = deleted.slice(before);
      assertEquals(byAbort.length, 2, byAbort.join(", "));
      assert(byAbort.every((n) => n.startsWith(FE)), byAbort.join(", "));
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "rollback: a slot whose replacements never match stops after a bounded number, with a clear error",
  opts,
  async () => {
    const { s, env, deleted } = await canary();
    try {
      const st = stateOf(s);
      assert(st.stableHashes);
      const before = deleted.length;
      // once the template is restored, something else rewrites it: the operator then keeps
      // bringing back pods that run neither the restored content nor a known hash
      let rewritten = false;
      const unsubscribe = s.store.subscribe((e) => {
        if (rewritten || e.object.kind !== "PodCliqueSet" || e.type !== "MODIFIED") return;
        const img = e.object.spec.template.cliques.find((c: { name: string }) =>
          c.name === "frontend"
        )
          .spec.podSpec.containers[0].image;
        if (img !== "fe:bad") {
          rewritten = true;
          queueMicrotask(() =>
            s.store.update("podcliquesets", NS, "qwen-disagg", (o) => {
              o.spec.template.cliques.find((c: { name: string }) => c.name === "frontend")
                .spec.podSpec.containers[0].image = "fe:from-elsewhere";
            })
          );
        }
      });
      const a = await runCli(["rollout", "abort", "qwen-disagg", "-n", NS, ...FAST], { env });
      unsubscribe();
      assertEquals(a.code, 1, a.stdout + a.stderr);
      assertMatch(
        a.stderr,
        new RegExp(
          `replaced ${MAX_SLOT_REPLACEMENTS} times and the operator still brings back pods`,
        ),
      );
      assertMatch(a.stderr, /nothing more is deleted/);
      const byAbort = deleted.slice(before).filter((n) => n.startsWith(FE));
      // two slots, at most MAX_SLOT_REPLACEMENTS replacements each
      assert(
        byAbort.length <= 2 * MAX_SLOT_REPLACEMENTS,
        `${byAbort.length} deletions: ${byAbort.join(", ")}`,
      );
    } finally {
      await s.stop();
    }
  },
);
