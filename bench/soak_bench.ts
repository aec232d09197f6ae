/**
 * Soak of the long-running views (issue 24): the tui (in tmux) and
 * `status --all -A --watch` run against a simulated cluster for a while,
 * with one change every second (a Grove pod's Ready condition flips); their
 * resident memory and open sockets are sampled every few seconds. "No
 * growth": after a warm-up (the first fifth of the run) the resident set
 * ends within 10 % (or 16 MB) of where it started and the sockets do not
 * increase.
 *
 * Used by `bench/run.ts` (`soakViews`), or on its own:
 * `deno run -A bench/soak_bench.ts [--scenario xlarge] [--seconds 600]`.
 *
 * @module
 */

import type { SimCluster } from "../lib/sim/server.ts";
import type { KubeObject } from "../lib/kube/types.ts";
import { tmuxAvailable } from "./tui_bench.ts";

/** One view's figures over the soak. */
export interface SoakResult {
  /** The view. */
  what: string;
  /** Seconds soaked. */
  seconds: number;
  /** Changes made to the cluster. */
  changes: number;
  /** Resident set after the warm-up, MB. */
  rssWarmMb: number;
  /** Resident set at the end, MB. */
  rssEndMb: number;
  /** Highest sampled resident set, MB. */
  rssMaxMb: number;
  /** Open sockets after the warm-up. */
  socketsWarm: number;
  /** Open sockets at the end. */
  socketsEnd: number;
  /** Most open sockets sampled. */
  socketsMax: number;
  /** Whether memory and sockets held still. */
  ok: boolean;
  /** Why not, when not. */
  note?: string;
}

function rssMb(pid: number): number {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/status`);
    const m = /VmRSS:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function sockets(pid: number): number {
  let n = 0;
  try {
    for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
      try {
        if (Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`).startsWith("socket:")) n++;
      } catch { /* closed meanwhile */ }
    }
  } catch {
    return NaN;
  }
  return n;
}

function tmux(socket: string, ...args: string[]): string {
  const out = new Deno.Command("tmux", { args: ["-L", socket, ...args] }).outputSync();
  return new TextDecoder().decode(out.stdout);
}

/** Flips the Ready condition of one Grove pod (a different one each time). */
function changeOne(sim: SimCluster, pods: KubeObject[], i: number): void {
  const p = pods[i % pods.length];
  sim.store.update("pods", p.metadata.namespace, p.metadata.name, (o) => {
    const ready = o.status?.conditions?.find((c: { type: string }) => c.type === "Ready");
    if (ready) {
      ready.status = ready.status === "True" ? "False" : "True";
      ready.lastTransitionTime = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    }
    const cs = o.status?.containerStatuses?.[0];
    if (cs) cs.ready = ready?.status === "True";
  });
}

/**
 * Runs the tui (when tmux is there) and `status --all -A --watch` for
 * `seconds` against `sim`, one change a second; returns each view's figures.
 */
export async function soakViews(opts: {
  sim: SimCluster;
  seconds: number;
  /** Command prefix that runs the CLI (deno run ... cli/main.ts). */
  cli: string[];
  root: string;
  sampleSeconds?: number;
}): Promise<SoakResult[]> {
  const { sim, seconds } = opts;
  const env = { KUBECONFIG: sim.kubeconfigPath, NO_COLOR: "1", HOME: Deno.makeTempDirSync() };
  const views: { what: string; pid: number; stop: () => Promise<void> }[] = [];
  const tmuxSocket = `grove-soak-${Deno.pid}`;
  if (tmuxAvailable()) {
    const cmd =
      `cd ${opts.root} && KUBECONFIG=${sim.kubeconfigPath} NO_COLOR=1 HOME=${env.HOME} exec ${
        opts.cli.join(" ")
      } -A tui`;
    tmux(tmuxSocket, "new-session", "-d", "-s", "soak", "-x", "120", "-y", "40", cmd);
    const pid = Number(tmux(tmuxSocket, "display-message", "-p", "-t", "soak", "#{pane_pid}"));
    views.push({
      what: "tui -A",
      pid,
      stop: async () => {
        tmux(tmuxSocket, "send-keys", "-t", "soak", "q");
        await new Promise((r) => setTimeout(r, 500));
        tmux(tmuxSocket, "kill-server");
      },
    });
  }
  const child = new Deno.Command(opts.cli[0], {
    args: [...opts.cli.slice(1), "status", "--all", "-A", "--watch"],
    env,
    cwd: opts.root,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let childErr = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (t) => void (childErr = (childErr + t).slice(-2000)) }),
  ).catch(() => {});
  views.push({
    what: "status --all -A --watch",
    pid: child.pid,
    stop: async () => {
      try {
        child.kill("SIGINT");
      } catch { /* gone */ }
      await child.status;
      await errDone;
    },
  });
  // the clock starts once the tui has drawn its first screen (the lists of a big cluster take a while)
  const ready0 = performance.now();
  while (tmuxAvailable() && performance.now() - ready0 < 300_000) {
    if (tmux(tmuxSocket, "capture-pane", "-p", "-t", "soak").includes("q quit")) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const grovePods = sim.store.list("pods").filter((p) =>
    p.metadata.labels?.["app.kubernetes.io/part-of"] && p.status?.phase === "Running"
  );
  const samples: { t: number; rss: number[]; sockets: number[] }[] = [];
  const every = (opts.sampleSeconds ?? 5) * 1000;
  const t0 = performance.now();
  let changes = 0;
  let nextSample = 0;
  try {
    while (performance.now() - t0 < seconds * 1000) {
      changeOne(sim, grovePods, changes++);
      const t = performance.now() - t0;
      if (t >= nextSample) {
        samples.push({
          t,
          rss: views.map((v) => rssMb(v.pid)),
          sockets: views.map((v) => sockets(v.pid)),
        });
        nextSample += every;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    samples.push({
      t: performance.now() - t0,
      rss: views.map((v) => rssMb(v.pid)),
      sockets: views.map((v) => sockets(v.pid)),
    });
  } finally {
    for (const v of views) await v.stop();
    await Deno.remove(env.HOME, { recursive: true }).catch(() => {});
  }
  const warmAt = seconds * 1000 / 5;
  return views.map((v, i) => {
    const after = samples.filter((s) => s.t >= warmAt && Number.isFinite(s.rss[i]));
    const warm = after[0] ?? samples[0];
    const end = samples[samples.length - 1];
    const rssWarmMb = warm.rss[i];
    const rssEndMb = end.rss[i];
    const rssMaxMb = Math.max(...samples.map((s) => s.rss[i]).filter(Number.isFinite));
    const socketsWarm = warm.sockets[i];
    const socketsEnd = end.sockets[i];
    const socketsMax = Math.max(...samples.map((s) => s.sockets[i]).filter(Number.isFinite));
    const grew = rssEndMb - rssWarmMb;
    const memOk = Number.isFinite(grew) && grew <= Math.max(16, rssWarmMb * 0.1);
    const sockOk = Number.isFinite(socketsEnd) && socketsEnd <= socketsWarm;
    return {
      what: v.what,
      seconds,
      changes,
      rssWarmMb,
      rssEndMb,
      rssMaxMb,
      socketsWarm,
      socketsEnd,
      socketsMax,
      ok: memOk && sockOk,
      note: !Number.isFinite(rssEndMb)
        ? `the process ended before the soak did${
          v.what.startsWith("status") && childErr ? `: ${childErr.trim().split("\n").pop()}` : ""
        }`
        : !memOk
        ? `resident set grew ${grew.toFixed(0)} MB`
        : !sockOk
        ? `sockets ${socketsWarm} -> ${socketsEnd}`
        : undefined,
    };
  });
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Deno.args[i + 1] : undefined;
  };
  const { startSimCluster } = await import("../lib/sim/server.ts");
  const { V8_FLAGS } = await import("../scripts/permissions.ts");
  const sim = await startSimCluster({ scenario: arg("--scenario") ?? "xlarge" });
  try {
    const r = await soakViews({
      sim,
      seconds: Number(arg("--seconds") ?? 600),
      cli: [Deno.execPath(), "run", "-A", ...V8_FLAGS, "--quiet", "cli/main.ts"],
      root: new URL("../", import.meta.url).pathname,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await sim.stop();
  }
}
