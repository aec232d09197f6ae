// Goldens of whole commands: the CLI entry (main) runs in process against
// the simulated cluster serving a recorded scenario, with the wall clock
// fixed at the scenario's recordedAt, and its stdout is compared with
// tests/golden/<scenario>/cli/<case>. This covers flags -> runner -> task ->
// printer together, beside the report/render goldens of tests/unit.
// Update with GOLDEN_UPDATE=1 and review the diff.
import { assertEquals } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { withFixedClock } from "../helpers/clock.ts";
import { assertGolden } from "../helpers/golden.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** One command of a scenario: its arguments, the golden file, the exit code. */
interface Case {
  args: string[];
  golden: string;
  code: number;
}

function cases(pcs: string, healthCode: number, history: boolean): Case[] {
  const out: Case[] = [
    { args: ["status", pcs], golden: "status.table", code: 0 },
    { args: ["status", pcs, "-o", "wide"], golden: "status.wide", code: 0 },
    { args: ["status", "--all"], golden: "status.all.table", code: 0 },
    { args: ["status", pcs, "-o", "json"], golden: "status.json", code: 0 },
    { args: ["status", pcs, "-o", "yaml"], golden: "status.yaml", code: 0 },
    { args: ["health", pcs], golden: "health.table", code: healthCode },
    { args: ["health", "--all", "-o", "json"], golden: "health.all.json", code: healthCode },
    { args: ["topology", pcs], golden: "topology.table", code: 0 },
    { args: ["topology", "--cluster"], golden: "topology.cluster.table", code: 0 },
    { args: ["topology", pcs, "-o", "json"], golden: "topology.json", code: 0 },
    { args: ["rollout", "history", pcs], golden: "rollout-history.table", code: 0 },
    { args: ["rollout", "history", pcs, "-o", "json"], golden: "rollout-history.json", code: 0 },
  ];
  if (history) {
    out.push(
      { args: ["rollout", "history", pcs, "-o", "wide"], golden: "rollout-history.wide", code: 0 },
      {
        args: ["rollout", "history", pcs, "--revision", "1"],
        golden: "rollout-history.rev1.table",
        code: 0,
      },
      {
        args: ["rollout", "history", pcs, "--revision", "1", "-o", "yaml"],
        golden: "rollout-history.rev1.yaml",
        code: 0,
      },
    );
  }
  return out;
}

const SCENARIOS: { scenario: string; pcs: string; healthCode: number; history: boolean }[] = [
  { scenario: "fragmented", pcs: "llama-disagg", healthCode: 3, history: false },
  { scenario: "healthy", pcs: "qwen-disagg", healthCode: 0, history: false },
  { scenario: "rollout", pcs: "chat-disagg", healthCode: 3, history: true },
];

for (const s of SCENARIOS) {
  Deno.test(`cli golden: ${s.scenario}`, opts, async (t) => {
    const sim = await startSimCluster({ scenario: s.scenario, shiftTimes: false });
    try {
      const meta = JSON.parse(
        await Deno.readTextFile(new URL(`../../fixtures/${s.scenario}/meta.json`, import.meta.url)),
      );
      const recordedAt = Date.parse(meta.recordedAt);
      const env = { KUBECONFIG: sim.kubeconfigPath, NO_COLOR: "1" };
      await withFixedClock(recordedAt, async () => {
        for (const c of cases(s.pcs, s.healthCode, s.history)) {
          await t.step(c.args.join(" "), async () => {
            const r = await runCli(c.args, { env });
            assertEquals(r.code, c.code, r.stderr);
            await assertGolden(`${s.scenario}/cli/${c.golden}`, r.stdout);
          });
        }
      });
    } finally {
      await sim.stop();
    }
  });
}
