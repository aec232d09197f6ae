/**
 * `deno task bench`: one run that starts the large simulated scenario and
 * prints, as one table, cold start, each command's wall time beside
 * `kubectl get` of the same objects against the same server (as a ratio),
 * request counts from the simulator's log, and peak RSS, each against its
 * budget. Exit code 1 when a budget is missed. `--runs N` (default 7).
 *
 * Budgets (issues 3, 4, 5, 7, 8): --help cold start <= 150 ms; listing all
 * PCS/PCLQ/PG/pods through lib/kube <= kubectl; status --all -A <= 1.5x
 * kubectl get pcs,pclq,pg,pods -A; topology --cluster <= 1 s of work after
 * start-up; diag < 10 s; peak RSS <= 200 MB. Dashboard (issue 18, needs
 * chromium): first paint of the Overview <= 1.5 s, API change -> browser
 * < 2 s, no RSS growth over a soak (DASHBOARD_SOAK_SECONDS, default 60) with
 * two tabs, assets < 160 KB.
 *
 * @module
 */

import { startSimCluster } from "../lib/sim/server.ts";
import { V8_FLAGS } from "../scripts/permissions.ts";
import { benchMetrics } from "./metrics_bench.ts";
import { benchTopology } from "./topology_bench.ts";

const runsArg = Deno.args.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(Deno.args[runsArg + 1]) : 7;
const root = new URL("../", import.meta.url).pathname;
const deno = Deno.execPath();
const hasTime = await exists("/usr/bin/time");
const hasKubectl = await runOk("kubectl", ["version", "--client"]);

async function exists(p: string) {
  try {
    await Deno.stat(p);
    return true;
  } catch {
    return false;
  }
}

async function runOk(cmd: string, args: string[]) {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

interface Sample {
  ms: number;
  rssMb?: number;
  code: number;
}

async function timed(cmd: string[], env: Record<string, string>): Promise<Sample> {
  const argv = hasTime ? ["/usr/bin/time", "-f", "@@RSS %M", ...cmd] : cmd;
  const t0 = performance.now();
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    env: { ...env, NO_COLOR: "1" },
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  const m = /@@RSS (\d+)/.exec(new TextDecoder().decode(out.stderr));
  return { ms, rssMb: m ? Number(m[1]) / 1024 : undefined, code: out.code };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function measure(cmd: string[], env: Record<string, string>) {
  await timed(cmd, env); // warm the module cache
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timed(cmd, env));
  return {
    ms: median(samples.map((s) => s.ms)),
    rssMb: Math.max(...samples.map((s) => s.rssMb ?? 0)),
    code: samples[samples.length - 1].code,
  };
}

interface Row {
  what: string;
  ms: number;
  kubectlMs?: number;
  requests?: number;
  rssMb?: number;
  budget: string;
  ok: boolean | undefined;
}

const rows: Row[] = [];
const t0 = performance.now();
const sim = await startSimCluster({ scenario: "large" });
const startMs = performance.now() - t0;
const counts = {
  pcs: sim.store.list("podcliquesets").length,
  pods: sim.store.list("pods").length,
  nodes: sim.store.list("nodes").length,
};
const env = {
  KUBECONFIG: sim.kubeconfigPath,
  HOME: "/nonexistent",
  PATH: Deno.env.get("PATH") ?? "",
};
// run the CLI as the executable runs: same V8 flags
const cli = (args: string[]) => [deno, "run", "-A", ...V8_FLAGS, "--quiet", "cli/main.ts", ...args];

try {
  console.error(
    `bench: large scenario ${counts.nodes} nodes, ${counts.pcs} PCS, ${counts.pods} pods; sim up in ${
      startMs.toFixed(0)
    } ms; ${RUNS} runs each`,
  );

  const help = await measure(cli(["--help"]), env);
  rows.push({
    what: "--help cold start",
    ms: help.ms,
    rssMb: help.rssMb,
    budget: "<= 150 ms",
    ok: help.ms <= 150,
  });

  const kubectlAll = hasKubectl
    ? await measure(["kubectl", "get", "pcs,pclq,pg,pods", "-A"], env)
    : undefined;

  sim.requestLog.reset();
  const list = await measure([deno, "run", "-A", "--quiet", "bench/list_all.ts"], env);
  const listReq = sim.requestLog.length / (RUNS + 1);
  rows.push({
    what: "list pcs,pclq,pg,pods -A (lib/kube)",
    ms: list.ms,
    kubectlMs: kubectlAll?.ms,
    requests: listReq,
    rssMb: list.rssMb,
    budget: "<= 1.0x kubectl",
    ok: kubectlAll ? list.ms <= kubectlAll.ms : undefined,
  });

  const commands: {
    what: string;
    args: string[];
    kubectl?: string[];
    budget: (ms: number, k?: number) => [string, boolean | undefined];
  }[] = [
    {
      what: "status --all -A",
      args: ["status", "--all", "-A"],
      kubectl: ["get", "pcs,pclq,pg,pods", "-A"],
      budget: (ms, k) => ["<= 1.5x kubectl", k ? ms <= 1.5 * k : undefined],
    },
    {
      what: "health --all -A",
      args: ["health", "--all", "-A"],
      kubectl: ["get", "pcs,pclq,pg,pods,events", "-A"],
      budget: (ms, k) => ["<= 1.5x kubectl", k ? ms <= 1.5 * k : undefined],
    },
    {
      what: "topology --cluster",
      args: ["topology", "--cluster"],
      kubectl: ["get", "nodes,pods", "-A"],
      budget: (ms) => ["<= 1 s after start-up", ms - help.ms <= 1000],
    },
  ];
  for (const c of commands) {
    const available = (await timed(cli([c.args[0], "--help"]), env)).code === 0;
    if (!available) {
      rows.push({ what: c.what, ms: NaN, budget: "command not built yet", ok: undefined });
      continue;
    }
    sim.requestLog.reset();
    const r = await measure(cli(c.args), env);
    const req = sim.requestLog.length / (RUNS + 1);
    const k = hasKubectl && c.kubectl ? await measure(["kubectl", ...c.kubectl], env) : undefined;
    const [budget, ok] = c.budget(r.ms, k?.ms);
    rows.push({
      what: c.what + (r.code > 1 && r.code !== 3 ? ` (exit ${r.code})` : ""),
      ms: r.ms,
      kubectlMs: k?.ms,
      requests: req,
      rssMb: r.rssMb,
      budget,
      ok,
    });
  }

  // topology --cluster: work after start-up, in process
  const topo = await benchTopology({
    kubeconfigPath: sim.kubeconfigPath,
    runs: RUNS,
    requestLog: sim.requestLog,
  });
  rows.push({
    what: "topology --cluster work after start-up (in process)",
    ms: topo.totalMs,
    requests: topo.requests,
    budget: "<= 1000 ms",
    ok: topo.totalMs <= 1000,
  });

  // tui -A in tmux: launch to first full screen, idle CPU over 30 s, memory (bench/tui_bench.ts)
  const { benchTui, tmuxAvailable } = await import("./tui_bench.ts");
  if (tmuxAvailable()) {
    const t = await benchTui({ kubeconfigPath: sim.kubeconfigPath, idleSeconds: 30 });
    rows.push({
      what: "tui -A: launch to first full screen",
      ms: t.firstScreenMs,
      rssMb: t.rssPeakMiB * 1.048576,
      budget: "<= 1500 ms",
      ok: t.firstScreenMs <= 1500,
    });
    rows.push({
      what: "tui: idle CPU over 30 s (% of one core)",
      ms: t.idleCpuPercent,
      budget: "< 2 %",
      ok: t.idleCpuPercent < 2,
    });
  }

  // dashboard -A in headless chromium: first paint of the Overview, API change -> browser,
  // server RSS over a soak with two tabs, asset size (bench/dashboard_bench.ts)
  const { benchDashboard, dashboardBenchAvailable } = await import("./dashboard_bench.ts");
  if (dashboardBenchAvailable()) {
    const soakSeconds = Number(Deno.env.get("DASHBOARD_SOAK_SECONDS") ?? 60);
    const d = await benchDashboard(sim, { soakSeconds });
    rows.push({
      what: `dashboard -A: first paint of the Overview (${d.sets} sets, cold)`,
      ms: d.firstPaintMs,
      budget: "<= 1500 ms",
      ok: d.firstPaintMs <= 1500,
    });
    rows.push({
      what: `dashboard: API change -> browser (median of ${d.changeRuns}; max ${
        d.changeMaxMs.toFixed(0)
      } ms)`,
      ms: d.changeMedianMs,
      budget: "< 2000 ms (max)",
      ok: d.changeMaxMs < 2000,
    });
    rows.push({
      what:
        `dashboard: server RSS, mean of 2nd half - 1st half of a ${d.soakSeconds} s soak, 2 tabs (MiB; end ${
          d.rssEndMiB.toFixed(0)
        }, max ${d.rssMaxMiB.toFixed(0)})`,
      ms: d.rssGrowthSecondHalfMiB,
      budget: "no growth (< 10 MiB)",
      ok: d.rssGrowthSecondHalfMiB < 10,
    });
    rows.push({
      what: `dashboard: assets KB (gzip ${(d.assetGzipBytes / 1024).toFixed(0)} KB as served)`,
      ms: d.assetBytes / 1024,
      budget: "< 160 KB raw",
      ok: d.assetBytes < 160 * 1024,
    });
  } else {
    console.error(
      "bench: dashboard skipped: chromium is not installed (apt-get install -y chromium)",
    );
  }

  // diag of the whole namespace-wide large scenario
  const diagAvailable = (await timed(cli(["diag", "--help"]), env)).code === 0;
  if (diagAvailable) {
    const dir = await Deno.makeTempDir();
    const t = performance.now();
    const d = await timed(cli(["diag", "-A", "-o", `${dir}/bundle`]), env);
    const ms = performance.now() - t;
    await Deno.remove(dir, { recursive: true });
    rows.push({ what: "diag -A (one run)", ms, rssMb: d.rssMb, budget: "< 10 s", ok: ms < 10_000 });
  }
} finally {
  await sim.stop();
}

// metrics: 100 pods through the pod proxy with 50 ms injected latency (its own simulator)
const m = await benchMetrics({ pods: 100, latencyMs: 50, runs: Math.min(RUNS, 5) });
rows.push({
  what: `metrics: ${m.scraped}/${m.pods} pods via proxy, ${m.latencyMs} ms latency (beyond window)`,
  ms: m.twoRoundsMs,
  budget: "< 2000 ms",
  ok: m.twoRoundsMs < 2000,
});
rows.push({
  what: "metrics: heap growth over 20 more rounds (MB)",
  ms: m.heapGrowthBytes / 1e6,
  budget: "bounded (< 20 MB)",
  ok: m.heapGrowthBytes < 20e6,
});

const maxRss = Math.max(...rows.map((r) => r.rssMb ?? 0));
const fmt = (
  n: number | undefined,
  d = 0,
) => (n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(d));
const table = [
  ["WHAT", "MEDIAN MS", "KUBECTL MS", "RATIO", "REQUESTS", "PEAK RSS MB", "BUDGET", "OK"],
  ...rows.map((r) => [
    r.what,
    fmt(r.ms),
    fmt(r.kubectlMs),
    r.kubectlMs ? (r.ms / r.kubectlMs).toFixed(2) + "x" : "-",
    fmt(r.requests, 0),
    fmt(r.rssMb, 0),
    r.budget,
    r.ok === undefined ? "n/a" : r.ok ? "yes" : "NO",
  ]),
  [
    "peak RSS of all runs",
    "",
    "",
    "",
    "",
    fmt(maxRss, 0),
    "<= 200 MB",
    maxRss <= 200 ? "yes" : "NO",
  ],
];
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table) console.log(r.map((x, c) => x.padEnd(widths[c])).join("   ").trimEnd());
if (!hasKubectl) console.log("(kubectl not on PATH: ratios not measured)");
const missed = rows.filter((r) => r.ok === false).length + (maxRss > 200 ? 1 : 0);
Deno.exit(missed ? 1 : 0);
