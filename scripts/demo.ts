/**
 * `deno task demo [scenario]`: starts the simulated cluster on a fixture
 * scenario (default `fragmented`, the one with problems to see) and runs the
 * main commands against it, exactly as a user would, through the real client
 * and HTTPS. Nothing outside this process is touched.
 *
 * @module
 */

import { buildProgram, main } from "../cli/main.ts";
import { CliContext } from "../cli/context.ts";
import type { CliIO } from "../cli/context.ts";
import { startSimCluster } from "../lib/sim/server.ts";

const scenario = Deno.args[0] ?? "fragmented";
const enc = new TextEncoder();
const write = (t: string) => Deno.stdout.writeSync(enc.encode(t));
const bold = (
  t: string,
) => (Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR") ? `\x1b[1m${t}\x1b[22m` : t);

const sim = await startSimCluster({ scenario, synthesizeMetrics: true });
const env: Record<string, string | undefined> = {
  ...Deno.env.toObject(),
  KUBECONFIG: sim.kubeconfigPath,
  KUBECTL_GROVE_CONFIG: "",
  XDG_CONFIG_HOME: "/nonexistent",
};
const io: CliIO = {
  stdout: write,
  stderr: (t) => Deno.stderr.writeSync(enc.encode(t)),
  stdoutIsTTY: Deno.stdout.isTerminal(),
  stdinIsTTY: false,
  readLine: () => Promise.resolve(null),
  env: (k) => env[k],
  columns: Deno.stdout.isTerminal() ? Deno.consoleSize().columns : undefined,
};

write(`${bold(`kubectl-grove demo: simulated cluster "${scenario}" at ${sim.server}`)}\n`);
write(
  `(to use it yourself: deno task sim ${scenario}, then export KUBECONFIG=... as it prints)\n\n`,
);

const pcs = sim.store.list("podcliquesets")[0]?.metadata.name;
const steps: { title: string; argv: string[]; refusalExpected?: boolean }[] = [
  { title: "Every PodCliqueSet at a glance", argv: ["status", "--all"] },
  { title: "One PodCliqueSet: cliques, gangs, PlacementScore", argv: ["status", pcs ?? ""] },
  { title: "Health: gangs at risk and termination countdowns", argv: ["health", pcs ?? ""] },
  { title: "Topology: where the pods landed", argv: ["topology", pcs ?? ""] },
  { title: "Cluster capacity and fragmentation", argv: ["topology", "--cluster"] },
  { title: "Live engine metrics", argv: ["metrics", pcs ?? "", "--window", "1s"] },
  { title: "Plan against reality", argv: ["compare", pcs ?? "", "--window", "1s"] },
  {
    title: "Scaling preview: GPU impact and placement (refused here: no node has 4 free GPUs)",
    argv: ["scale", pcs ?? "", "--prefill=4", "--dry-run"],
    refusalExpected: true,
  },
  { title: "Revision history", argv: ["rollout", "history", pcs ?? ""] },
];

const available = new Set(buildProgram(new CliContext(io)).commands.map((c) => c.name()));
let failures = 0;
try {
  for (const step of steps) {
    if (!available.has(step.argv[0])) continue; // command not in this build
    write(`\n${bold(`== ${step.title}`)}\n$ kubectl grove ${step.argv.join(" ")}\n`);
    const code = await main(step.argv, io);
    if ((code === 1 && !step.refusalExpected) || code === 2) failures++;
    if (code !== 0) write(`(exit code ${code})\n`);
  }
} finally {
  await sim.stop();
}
Deno.exit(failures ? 1 : 0);
