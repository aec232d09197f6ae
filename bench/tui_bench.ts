/**
 * Benchmark of `kubectl grove tui` in a real terminal (tmux) against a
 * (large) simulated cluster: time from launch to the first full screen,
 * CPU used while idle (no keys, no API changes) over a window, and memory
 * (resident set) at the end. The TUI runs as its own process (`deno run
 * cli/main.ts tui`), so the simulator's work is not counted.
 *
 * Used by `bench/run.ts` (`benchTui(...)`), or on its own:
 *
 * ```
 * deno run -A bench/tui_bench.ts [--idle 30]
 * ```
 * which starts the `large` simulated scenario and prints the result as JSON.
 *
 * @module
 */

/** Options of {@link benchTui}. */
export interface TuiBenchOptions {
  /** Kubeconfig of the server (the `large` simulated scenario). */
  kubeconfigPath: string;
  /** A text that appears once the first full screen is drawn (default `replicas`, on every set's row). */
  readyText?: string;
  /** Idle window over which CPU is measured, seconds (default 30). */
  idleSeconds?: number;
  /** Terminal size (default 120x40). */
  columns?: number;
  /** Rows. */
  rows?: number;
  /** The repository root (default: this file's parent). */
  root?: string;
  /** V8 flags of the CLI (as the executable is built: `--v8-flags=...`). */
  v8Flags?: string[];
  /** Give up waiting for the first screen after this long, ms (default 30 s). */
  timeoutMs?: number;
}

/** What {@link benchTui} measured. */
export interface TuiBenchResult {
  /** Launch to first full screen (process start, lists, ink load, first frame), ms. */
  firstScreenMs: number;
  /** The budget: 1500 ms. */
  firstScreenBudgetMs: number;
  /** CPU time over the idle window / window length, percent of one core. */
  idleCpuPercent: number;
  /** The budget: 2 %. */
  idleCpuBudgetPercent: number;
  /** Idle window, seconds. */
  idleSeconds: number;
  /** Resident set after the first screen, MiB. */
  rssAfterFirstScreenMiB: number;
  /** Resident set at the end of the idle window, MiB. */
  rssEndMiB: number;
  /** Peak resident set (VmHWM), MiB. */
  rssPeakMiB: number;
}

/** Whether tmux is installed (the benchmark needs it). */
export function tmuxAvailable(): boolean {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

function tmux(socket: string, ...args: string[]): string {
  const out = new Deno.Command("tmux", { args: ["-L", socket, ...args] }).outputSync();
  return new TextDecoder().decode(out.stdout);
}

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ
}

function memMiB(pid: number, key: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = status.match(new RegExp(`${key}:\\s+(\\d+) kB`));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

/**
 * Launches the TUI in tmux against `kubeconfigPath` and measures it.
 * Needs tmux and Linux `/proc`.
 */
export async function benchTui(o: TuiBenchOptions): Promise<TuiBenchResult> {
  const root = o.root ?? new URL("../", import.meta.url).pathname;
  const idle = o.idleSeconds ?? 30;
  const socket = `grove-tui-bench-${Deno.pid}`;
  const cmd = `cd ${root} && NO_COLOR=1 exec ${Deno.execPath()} run -A ${
    (o.v8Flags ?? []).join(" ")
  } cli/main.ts --kubeconfig ${o.kubeconfigPath} -A tui`;
  const t0 = performance.now();
  tmux(
    socket,
    "new-session",
    "-d",
    "-s",
    "b",
    "-x",
    String(o.columns ?? 120),
    "-y",
    String(o.rows ?? 40),
    cmd,
  );
  try {
    const pid = Number(tmux(socket, "display-message", "-p", "-t", "b", "#{pane_pid}").trim());
    let firstScreenMs = NaN;
    const timeoutMs = o.timeoutMs ?? 30_000;
    while (performance.now() - t0 < timeoutMs) {
      const screen = tmux(socket, "capture-pane", "-p", "-t", "b");
      if (screen.includes(o.readyText ?? "replicas") && screen.includes("q quit")) {
        firstScreenMs = Math.round(performance.now() - t0);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    if (Number.isNaN(firstScreenMs)) {
      throw new Error(`the TUI did not draw its first screen in ${timeoutMs / 1000} s`);
    }
    // let start-up work (JIT, GC after the first build) settle before the idle window
    if (idle > 0) await new Promise((r) => setTimeout(r, 2000));
    const rssAfterFirstScreenMiB = memMiB(pid, "VmRSS");
    const c0 = cpuSeconds(pid);
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, idle * 1000));
    const c1 = cpuSeconds(pid);
    const wall = (performance.now() - w0) / 1000;
    const result: TuiBenchResult = {
      firstScreenMs,
      firstScreenBudgetMs: 1500,
      idleCpuPercent: Math.round(((c1 - c0) / wall) * 1000) / 10,
      idleCpuBudgetPercent: 2,
      idleSeconds: idle,
      rssAfterFirstScreenMiB,
      rssEndMiB: memMiB(pid, "VmRSS"),
      rssPeakMiB: memMiB(pid, "VmHWM"),
    };
    tmux(socket, "send-keys", "-t", "b", "q");
    await new Promise((r) => setTimeout(r, 300));
    return result;
  } finally {
    tmux(socket, "kill-server");
  }
}

if (import.meta.main) {
  const { startSimCluster } = await import("../lib/sim/server.ts");
  const i = Deno.args.indexOf("--idle");
  const idleSeconds = i >= 0 ? Number(Deno.args[i + 1]) : 30;
  const sim = await startSimCluster({ scenario: "large" });
  try {
    const r = await benchTui({ kubeconfigPath: sim.kubeconfigPath, idleSeconds });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await sim.stop();
  }
}
