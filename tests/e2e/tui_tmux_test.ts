// End to end: `kubectl grove tui` in a real terminal (tmux) against the
// simulated cluster: first screen, keys, a change in the simulator shown
// within 2 s, the Health countdown ticking, and the terminal restored after
// `q` and after Ctrl-C. Skipped (with a message) when tmux is not installed.
import { toolGate } from "../helpers/tools.ts";
import { denoDir } from "../helpers/spawn.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const opts = { sanitizeResources: false, sanitizeOps: false };

const GATE = toolGate("tmux", "apt-get install -y tmux");

/** A tmux server of our own (its own socket), one session. */
class Pane {
  readonly socket = `grove-tui-test-${Deno.pid}-${Math.random().toString(36).slice(2, 8)}`;
  run(...args: string[]): string {
    const out = new Deno.Command("tmux", { args: ["-L", this.socket, ...args] }).outputSync();
    return new TextDecoder().decode(out.stdout);
  }
  start(command: string, columns = 100, rows = 30) {
    this.run("new-session", "-d", "-s", "t", "-x", String(columns), "-y", String(rows), command);
  }
  keys(...keys: string[]) {
    this.run("send-keys", "-t", "t", ...keys);
  }
  capture(): string {
    return this.run("capture-pane", "-p", "-t", "t");
  }
  flag(name: string): string {
    return this.run("display-message", "-p", "-t", "t", `#{${name}}`).trim();
  }
  async waitFor(test: (screen: string) => boolean, ms: number, what: string): Promise<string> {
    const end = Date.now() + ms;
    let s = "";
    while (Date.now() < end) {
      s = this.capture();
      if (test(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}; screen:\n${s}`);
  }
  kill() {
    this.run("kill-server");
  }
}

function tuiCommand(kubeconfig: string, extra = ""): string {
  // NO_COLOR keeps the captured text plain; the exit code is printed after the TUI ends.
  return `cd ${ROOT} && ${extra} DENO_DIR=${denoDir()} ${Deno.execPath()} run -A --cached-only cli/main.ts --kubeconfig ${kubeconfig} tui; echo TUI-EXIT=$?; sleep 30`;
}

Deno.test({
  name:
    "tui e2e: hierarchy, keys, simulator changes within 2 s, countdown ticks, q restores the terminal",
  ignore: GATE.ignore,
  ...opts,
  fn: async () => {
    GATE.require();
    const sim = await startSimCluster({ scenario: "fragmented" });
    const pane = new Pane();
    try {
      pane.start(tuiCommand(sim.kubeconfigPath));
      let s = await pane.waitFor((x) => x.includes("llama-disagg-0 "), 15_000, "the first screen");
      assertMatch(s, /grove tui {2}ctx sim {2}ns inference {2}live /);
      assertMatch(s, /llama-disagg-0 +Running +score 0\.62/);
      assertEquals(pane.flag("alternate_on"), "1");
      // one list per kind at start, then only watches: no list polling for the whole session
      const lists = () =>
        sim.requestLog.count((e) => e.method === "GET" && !/watch=/.test(e.query));
      const listsAtStart = lists();
      // 12 kinds (incl. the two DRA kinds), listed once
      assert(listsAtStart <= 12, `${listsAtStart} lists at start`);

      // a gang score changes in the simulator: on screen within 2 s
      sim.store.update("podgangs", "inference", "llama-disagg-0", (o) => {
        o.status = { ...o.status, placementScore: 0.91 };
      });
      const t0 = Date.now();
      await pane.waitFor((x) => /llama-disagg-0 +Running +score 0\.91/.test(x), 2000, "score 0.91");
      assert(Date.now() - t0 <= 2000);

      // filter to one pending pod, then it turns Ready in the simulator
      pane.keys("/", "mhtvw", "Enter");
      s = await pane.waitFor(
        (x) => /prefill-mhtvw +prefill +Pending/.test(x),
        2000,
        "the filtered pod",
      );
      assertStringIncludes(s, "filter: mhtvw");
      sim.store.update("pods", "inference", "llama-disagg-0-prefill-mhtvw", (p) => {
        p.spec = { ...p.spec, nodeName: "gpu-b1-01" };
        p.status = {
          phase: "Running",
          conditions: [
            { type: "PodScheduled", status: "True" },
            { type: "Ready", status: "True" },
          ],
          containerStatuses: (p.spec.containers ?? []).map((c: { name: string }) => ({
            name: c.name,
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date().toISOString() } },
          })),
        };
      });
      const t1 = Date.now();
      await pane.waitFor(
        (x) => /prefill-mhtvw +prefill +Running +gpu-b1-01/.test(x),
        2000,
        "the pod Running on gpu-b1-01",
      );
      assert(Date.now() - t1 <= 2000);

      pane.keys("Escape"); // clear the filter
      await pane.waitFor((x) => !x.includes("filter: mhtvw"), 2000, "the filter cleared");
      pane.keys("3");
      s = await pane.waitFor((x) => /gang terminates in \d+m\d\ds/.test(x), 3000, "a countdown");
      const first = s.match(/gang terminates in (\S+)/)![1];
      await pane.waitFor(
        (x) => (x.match(/gang terminates in (\S+)/)?.[1] ?? first) !== first,
        2500,
        "the countdown to tick",
      );

      assertEquals(lists(), listsAtStart, "no list requests after the first screen");
      pane.keys("?");
      await pane.waitFor((x) => x.includes("termination countdowns tick"), 2000, "help");
      pane.keys("Escape");
      await pane.waitFor((x) => !x.includes("termination countdowns tick"), 2000, "help closed");
      pane.keys("q");
      s = await pane.waitFor((x) => x.includes("TUI-EXIT="), 5000, "the TUI to exit");
      assertStringIncludes(s, "TUI-EXIT=0");
      assert(!s.includes("grove tui  ctx"), "the alternate screen is gone");
      assertEquals(pane.flag("alternate_on"), "0");
      assertEquals(pane.flag("cursor_flag"), "1", "cursor visible again");
    } finally {
      pane.kill();
      await sim.stop();
    }
  },
});

Deno.test({
  name:
    "tui e2e: redraws on resize, l shows logs, a stopped API server makes the header STALE, Ctrl-C quits (exit 0) and restores the terminal",
  ignore: GATE.ignore,
  ...opts,
  fn: async () => {
    GATE.require();
    const sim = await startSimCluster({ scenario: "healthy" });
    const pane = new Pane();
    try {
      pane.start(tuiCommand(sim.kubeconfigPath), 80, 24);
      let s0 = await pane.waitFor(
        (x) => x.includes("qwen-disagg-0-prefill"),
        15_000,
        "the first screen",
      );
      assertMatch(s0, /qwen-disagg .*pods 8\/8 +gangs 2\/2/);
      // at 80 columns long clique names are cut from the left
      assertMatch(s0, /~[\w-]*-0-decode-0-dleader /);
      // a wider terminal: redrawn at the new size, names whole
      pane.run("resize-window", "-t", "t", "-x", "120", "-y", "30");
      s0 = await pane.waitFor(
        (x) => x.includes("qwen-disagg-0-decode-0-dleader "),
        2000,
        "the redraw at 120x30",
      );
      assertEquals(s0.split("\n").filter((l) => l.trim()).length >= 10, true);
      pane.run("resize-window", "-t", "t", "-x", "80", "-y", "24");
      await pane.waitFor(
        (x) => !x.includes("qwen-disagg-0-decode-0-dleader "),
        2000,
        "the redraw at 80x24",
      );
      // select the prefill clique (row 4), open it, select its first pod, read its logs
      pane.keys("j", "j", "j", "Enter", "j", "l");
      const s = await pane.waitFor(
        // the overlay, with the log lines loaded (not "loading...")
        (x) =>
          x.includes("logs of pod/qwen-disagg-0-prefill-28mlr -c vllm") &&
          !x.includes("loading..."),
        10_000,
        "the logs overlay with its lines",
      );
      assert(!s.includes("loading..."), s);
      pane.keys("Escape");
      // the API server goes away: the header says the data is stale
      await sim.stop();
      await pane.waitFor((x) => /STALE since \S+ \(/.test(x), 5000, "the stale header");
      pane.keys("C-c");
      const end = await pane.waitFor((x) => x.includes("TUI-EXIT="), 5000, "the TUI to exit");
      assertStringIncludes(end, "TUI-EXIT=0");
      assertEquals(pane.flag("alternate_on"), "0");
      assertEquals(pane.flag("cursor_flag"), "1");
    } finally {
      pane.kill();
      await sim.stop();
    }
  },
});

Deno.test({
  name: "tui e2e: a crash while drawing restores the terminal and reports the error",
  ignore: GATE.ignore,
  ...opts,
  fn: async () => {
    GATE.require();
    const sim = await startSimCluster({ scenario: "healthy" });
    const dir = await Deno.makeTempDir();
    const pane = new Pane();
    try {
      // a session whose third frame throws (a stand-in for any bug while drawing)
      const runner = `${dir}/crash_runner.ts`;
      await Deno.writeTextFile(
        runner,
        `import { TuiController } from "${ROOT}tasks/tui/controller.ts";
import { runTuiSession } from "${ROOT}tasks/tui/run.ts";
import { connect } from "${ROOT}lib/kube/connect.ts";
let n = 0;
const frame = TuiController.prototype.frame;
TuiController.prototype.frame = function () {
  if (++n > 2) throw new Error("boom: simulated crash");
  return frame.call(this);
};
const kube = await connect({ kubeconfig: Deno.args[0] });
try {
  await runTuiSession(kube, {
    scope: { namespace: "inference", allNamespaces: false },
    colorScheme: "none", refreshMs: 5000, scrapeTimeoutMs: 5000, env: (k) => Deno.env.get(k),
  });
} catch (e) {
  console.log("CRASH-REPORTED: " + e.message);
  Deno.exit(1);
}
`,
      );
      pane.start(
        `${Deno.execPath()} run -A ${runner} ${sim.kubeconfigPath}; echo TUI-EXIT=$?; sleep 30`,
        80,
        24,
      );
      await pane.waitFor((x) => x.includes("qwen-disagg"), 15_000, "the first screen");
      pane.keys("j");
      await new Promise((r) => setTimeout(r, 300));
      pane.keys("j");
      const s = await pane.waitFor((x) => x.includes("TUI-EXIT="), 5000, "the crash");
      assertStringIncludes(s, "CRASH-REPORTED: boom: simulated crash");
      assertStringIncludes(s, "TUI-EXIT=1");
      assertEquals(pane.flag("alternate_on"), "0");
      assertEquals(pane.flag("cursor_flag"), "1");
    } finally {
      pane.kill();
      await sim.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
