// End to end: `kubectl grove plan store|show|diff|list` against the simulated cluster (healthy
// scenario: PCS qwen-disagg with prefill 2 x TP4 and a decode scaling group of 2 x TP16 on 2 nodes).
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertGolden } from "../helpers/golden.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FIXTURES = new URL("../../fixtures/aic/", import.meta.url).pathname.replace(/\/$/, "");

/** A plan with only the documented keys, matching the healthy qwen-disagg deployment. */
const MATCHING = {
  model: "Qwen/Qwen3-32B-FP8",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 16 },
  expected: { throughput_tokens_per_sec_per_gpu: 950.5, ttft_ms: 180, tpot_ms: 22 },
  sla: { ttft_ms: 300, tpot_ms: 30 },
};

async function withSim(fn: (k: string[], dir: string) => Promise<void>) {
  const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
  const dir = await Deno.makeTempDir({ prefix: "plan-" });
  try {
    await fn(["--kubeconfig", sim.kubeconfigPath, "-n", "inference"], dir);
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

function stable(text: string): string {
  return text.replace(/stored \S+ ago/g, "stored <age> ago")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<created>")
    .replaceAll(FIXTURES, "<fixtures>");
}

Deno.test(
  "e2e plan: store a documented plan, show it, diff without drift, then drift exits 3",
  opts,
  async () => {
    await withSim(async (k, dir) => {
      const file = `${dir}/plan.json`;
      await Deno.writeTextFile(file, JSON.stringify(MATCHING, null, 2));
      const stored = await runCli([...k, "plan", "store", "qwen-disagg", "-f", file]);
      assertEquals(stored.code, 0, stored.stderr);
      assertEquals(
        stored.stdout,
        "configmap/qwen-disagg-aic-plan created (plan of podcliqueset qwen-disagg, namespace inference)\n",
      );
      assertEquals(stored.stderr, "");

      const show = await runCli([...k, "plan", "show", "qwen-disagg"]);
      assertEquals(show.code, 0, show.stderr);
      await assertGolden("aic/plan.show.table", stable(show.stdout));
      const showJson = await runCli([...k, "plan", "show", "qwen-disagg", "-o", "json"]);
      const r = JSON.parse(showJson.stdout);
      assertEquals([r.kind, r.pcsExists, r.plan.config.decode_tp], ["PlanReport", true, 16]);

      const diff = await runCli([...k, "plan", "diff", "qwen-disagg"]);
      assertEquals(diff.code, 0, diff.stdout + diff.stderr);
      await assertGolden("aic/plan.diff.table", diff.stdout);

      // Scale the decode scaling group behind the plan's back: drift, exit 3.
      const drifted = {
        ...MATCHING,
        config: { ...MATCHING.config, decode_workers: 3, prefill_tp: 2 },
      };
      await Deno.writeTextFile(file, JSON.stringify(drifted));
      const over = await runCli([...k, "plan", "store", "qwen-disagg", "-f", file, "--overwrite"]);
      assertEquals(over.code, 0, over.stderr);
      assertStringIncludes(over.stdout, "configmap/qwen-disagg-aic-plan replaced");
      assertStringIncludes(over.stderr, "Previous plan of qwen-disagg:");
      const d2 = await runCli([...k, "plan", "diff", "qwen-disagg"]);
      assertEquals(d2.code, 3);
      await assertGolden("aic/plan.diff-drift.table", d2.stdout);
      const d2j = await runCli([...k, "plan", "diff", "qwen-disagg", "-o", "json"]);
      assertEquals(d2j.code, 3);
      await assertGolden("aic/plan.diff-drift.json", d2j.stdout);
    });
  },
);

Deno.test("e2e plan: never overwrites silently; the stored plan is shown", opts, async () => {
  await withSim(async (k, dir) => {
    const file = `${dir}/plan.json`;
    await Deno.writeTextFile(file, JSON.stringify(MATCHING));
    assertEquals((await runCli([...k, "plan", "store", "qwen-disagg", "-f", file])).code, 0);
    const same = await runCli([...k, "plan", "store", "qwen-disagg", "-f", file]);
    assertEquals(same.code, 0);
    assertStringIncludes(same.stdout, "configmap/qwen-disagg-aic-plan unchanged");
    await Deno.writeTextFile(file, JSON.stringify({ ...MATCHING, system: "h100_sxm" }));
    const again = await runCli([...k, "plan", "store", "qwen-disagg", "-f", file]);
    assertEquals(again.code, 1);
    assertStringIncludes(again.stderr, "Stored plan of qwen-disagg:");
    assertStringIncludes(again.stderr, "system:        h200_sxm");
    assertStringIncludes(
      again.stderr,
      'error: a plan for "qwen-disagg" is already stored in namespace "inference" (configmap "qwen-disagg-aic-plan"); nothing was changed',
    );
    assertStringIncludes(again.stderr, "hint: pass --overwrite to replace it");
    const dry = await runCli([
      ...k,
      "plan",
      "store",
      "qwen-disagg",
      "-f",
      file,
      "--overwrite",
      "--dry-run",
    ]);
    assertEquals(dry.code, 0, dry.stderr);
    assertStringIncludes(dry.stdout, "# dry run: configmap/qwen-disagg-aic-plan would be replaced");
    const show = await runCli([...k, "plan", "show", "qwen-disagg", "-o", "json"]);
    assertEquals(JSON.parse(show.stdout).plan.system, "h200_sxm", "dry run changed nothing");
  });
});

Deno.test(
  "e2e plan: from a generated manifest and a results directory, for a PCS not yet applied",
  opts,
  async () => {
    await withSim(async (k, dir) => {
      const gen = await runCli([
        "generate",
        "--from-results",
        `${FIXTURES}/save-dir`,
        "--out-dir",
        dir,
        "--name",
        "q3",
      ]);
      assertEquals(gen.code, 0, gen.stderr);
      const m = await runCli([...k, "plan", "store", "q3-disagg", "-f", `${dir}/q3-disagg.yaml`]);
      assertEquals(m.code, 0, m.stderr);
      assertStringIncludes(
        m.stderr,
        'note: podcliqueset "q3-disagg" does not exist in namespace "inference" yet: the plan is stored for when it is applied',
      );
      const rd = await runCli([
        ...k,
        "plan",
        "store",
        "q3-agg",
        "-f",
        `${FIXTURES}/save-dir`,
        "--mode",
        "agg",
        "-o",
        "json",
      ]);
      assertEquals(rd.code, 0, rd.stderr);
      const res = JSON.parse(rd.stdout);
      assertEquals([res.action, res.pcsExists, res.source.kind], ["created", false, "results"]);
      assertEquals(res.plan.config.agg_workers, 4);
      const show = await runCli([...k, "plan", "show", "q3-agg"]);
      assertStringIncludes(show.stdout, 'note: podcliqueset "q3-agg" does not exist');
      const list = await runCli([...k, "plan", "list"]);
      assertEquals(list.code, 0, list.stderr);
      await assertGolden(
        "aic/plan.list.table",
        stable(list.stdout).replace(/ +\d+[smhd]\w*$/gm, " <age>"),
      );
      const all = await runCli([...k, "plan", "list", "-A", "-o", "json"]);
      const items = JSON.parse(all.stdout).items;
      assertEquals(items.map((i: { pcs: string }) => i.pcs), ["q3-agg", "q3-disagg"]);
      const diff = await runCli([...k, "plan", "diff", "q3-agg"]);
      assertEquals(diff.code, 1);
      assertStringIncludes(diff.stderr, 'podcliqueset "q3-agg" not found in namespace "inference"');
    });
  },
);

Deno.test("e2e plan: bad input and forbidden writes are clear errors", opts, async () => {
  await withSim(async (k, dir) => {
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(bad, '{\n  "model": "m",\n  "config": { "prefill_workers": 2, }\n}\n');
    const malformed = await runCli([...k, "plan", "store", "x", "-f", bad]);
    assertEquals(malformed.code, 1);
    assertStringIncludes(malformed.stderr, `error: ${bad}:3:37: not valid JSON: unexpected "}"`);

    await Deno.writeTextFile(bad, JSON.stringify({ ...MATCHING, expected: { ttft_ms: "fast" } }));
    const invalid = await runCli([...k, "plan", "store", "x", "-f", bad]);
    assertEquals(invalid.code, 1);
    assertMatch(
      invalid.stderr,
      /not a valid plan: missing "expected\.throughput_tokens_per_sec_per_gpu"/,
    );
    assertMatch(invalid.stderr, /"expected\.ttft_ms" must be a number >= 0, got "fast"/);

    const yaml = `${dir}/other.yaml`;
    await Deno.writeTextFile(yaml, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    const noPcs = await runCli([...k, "plan", "store", "x", "-f", yaml]);
    assertEquals(noPcs.code, 1);
    assertStringIncludes(noPcs.stderr, "no PodCliqueSet in the file");

    const missing = await runCli([...k, "plan", "store", "x", "-f", `${dir}/none.json`]);
    assertEquals(missing.code, 1);
    assertStringIncludes(missing.stderr, "none.json: no such file or directory");

    const file = `${dir}/plan.json`;
    await Deno.writeTextFile(file, JSON.stringify(MATCHING));
    const ro = ["--context", "sim-readonly", ...k.slice(0, 2), "-n", "inference"];
    const forbidden = await runCli([...ro, "plan", "store", "qwen-disagg", "-f", file]);
    assertEquals(forbidden.code, 1);
    assertMatch(
      forbidden.stderr,
      /error: cannot store the plan of "qwen-disagg": forbidden: cannot create configmaps/,
    );
    assertStringIncludes(
      forbidden.stderr,
      "hint: ask your cluster admin for 'create' on 'configmaps'",
    );

    const none = await runCli([...k, "plan", "show", "sglang-chat"]);
    assertEquals(none.code, 1);
    assertStringIncludes(
      none.stderr,
      'error: no plan stored for "sglang-chat" in namespace "inference"',
    );
    assertStringIncludes(
      none.stderr,
      "hint: store one with: kubectl grove plan store sglang-chat -f",
    );
    const noDiff = await runCli([...k, "plan", "diff", "sglang-chat"]);
    assertEquals(noDiff.code, 1);

    // A ConfigMap with a broken plan written by hand: show names it, list warns and carries on.
    const sim = await connect({ kubeconfig: k[1], env: {} });
    await sim.create(Resources.configmaps, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "hand-aic-plan",
        namespace: "inference",
        labels: { "grove.io/aic-plan": "hand" },
      },
      data: { "plan.json": "{ not json" },
    });
    const hand = await runCli([...k, "plan", "show", "hand"]);
    assertEquals(hand.code, 1);
    assertStringIncludes(
      hand.stderr,
      "configmap inference/hand-aic-plan key plan.json:1:3: not valid JSON",
    );
    const list = await runCli([...k, "plan", "list"]);
    assertEquals(list.code, 0);
    assertStringIncludes(list.stderr, "warning: plan of inference/hand is not readable");
    assert(list.stdout.includes("hand"));
    const empty = await runCli([...k.slice(0, 2), "-n", "default", "plan", "list"]);
    assertEquals([empty.code, empty.stdout], [0, ""]);
    assertStringIncludes(empty.stderr, "No plans found in namespace default.");
  });
});
