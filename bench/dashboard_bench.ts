/**
 * Benchmark of `kubectl grove dashboard` in headless chromium against a
 * (large) simulated cluster: first meaningful paint of the Overview (page
 * load to every set's row drawn), time from a change made through the
 * Kubernetes API to the row in the browser, the server's resident set over
 * a soak with two tabs open (Overview and Topology) while the cluster keeps
 * changing, and the asset size (raw and gzip). The dashboard runs as its
 * own process (`deno run cli/main.ts dashboard`), so the simulator's and
 * the browser's work are not counted.
 *
 * Used by `bench/run.ts` (`benchDashboard(...)`), or on its own:
 *
 * ```
 * deno run -A bench/dashboard_bench.ts [--soak 60]
 * ```
 * which starts the `large` simulated scenario and prints the result as JSON.
 *
 * @module
 */

import type { SimCluster } from "../lib/sim/server.ts";
import { connect } from "../lib/kube/connect.ts";
import { Resources } from "../lib/kube/resources.ts";
import type { KubeObject } from "../lib/kube/types.ts";
import { ASSET_BYTES, ASSETS } from "../tasks/dashboard/assets.gen.ts";
import { V8_FLAGS } from "../scripts/permissions.ts";
import { findChromium, launchBrowser, startDashboardProcess } from "../tests/helpers/browser.ts";

/** What {@link benchDashboard} measured. */
export interface DashboardBenchResult {
  /** PodCliqueSets in the Overview. */
  sets: number;
  /** Navigation start to every Overview row drawn (cold: first tab), ms. */
  firstPaintMs: number;
  /** The same with the server warm (a second load), ms. */
  warmPaintMs: number;
  /** Change through the API to the row in the browser: median of the runs, ms. */
  changeMedianMs: number;
  /** Slowest run, ms. */
  changeMaxMs: number;
  /** Changes measured. */
  changeRuns: number;
  /** Soak length, seconds. */
  soakSeconds: number;
  /** Server RSS once both tabs are open, MiB. */
  rssStartMiB: number;
  /** Server RSS at the end of the soak, MiB. */
  rssEndMiB: number;
  /** Highest RSS sample during the soak, MiB. */
  rssMaxMiB: number;
  /** Mean RSS of the soak's second half minus that of its first half, MiB. */
  rssGrowthSecondHalfMiB: number;
  /** RSS every 5 s during the soak, MiB. */
  rssSamplesMiB: number[];
  /** Cluster changes made during the soak. */
  soakChanges: number;
  /** States pushed to each tab during the soak (counted in the page). */
  soakStatesPerTab: number;
  /** Assets, bytes. */
  assetBytes: number;
  /** Assets gzip-compressed (as served), bytes. */
  assetGzipBytes: number;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function gzipSize(s: string): Promise<number> {
  const b = await new Response(
    new Blob([s]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  return b.byteLength;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Whether the benchmark can run (chromium installed). */
export function dashboardBenchAvailable(): boolean {
  return findChromium() !== undefined;
}

/** Runs the benchmark against a running simulated cluster. */
export async function benchDashboard(
  sim: SimCluster,
  o: { soakSeconds?: number; changeRuns?: number } = {},
): Promise<DashboardBenchResult> {
  const soakSeconds = o.soakSeconds ?? 60;
  const changeRuns = o.changeRuns ?? 10;
  const sets = sim.store.list("podcliquesets") as KubeObject[];
  // run as the executable runs: same V8 flags
  const dash = await startDashboardProcess(
    sim.kubeconfigPath,
    ["-A", "--port", "0"],
    {},
    V8_FLAGS,
  );
  const browser = await launchBrowser();
  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  try {
    const rows = '[data-testid="pcs-row"]';
    // one browser context: both tabs share the session cookie
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const paint = async (page: Awaited<ReturnType<typeof context.newPage>>, url: string) => {
      await page.goto(url);
      await page.waitForFunction(
        // deno-lint-ignore no-explicit-any
        ([sel, n]) => (globalThis as any).document.querySelectorAll(sel).length >= n,
        [rows, sets.length] as const,
        { timeout: 30_000, polling: "raf" },
      );
      return await page.evaluate(() => performance.now());
    };
    const first = await context.newPage();
    const firstPaintMs = await paint(first, dash.url);
    const warmPaintMs = await paint(first, dash.origin + "/#/overview");

    // API change -> row in the browser
    const template = structuredClone(sets[0]) as KubeObject & { status?: unknown };
    const ns = template.metadata.namespace!;
    delete template.status;
    const times: number[] = [];
    for (let i = 0; i < changeRuns; i++) {
      const name = `bench-added-${i}`;
      const t0 = performance.now();
      await kube.create(Resources.podcliquesets, {
        ...template,
        metadata: { name, namespace: ns },
      });
      await first.locator(`${rows}[data-name="${name}"]`).waitFor({ timeout: 10_000 });
      times.push(performance.now() - t0);
      await kube.delete(Resources.podcliquesets, name, { namespace: ns });
    }

    // soak: two tabs (Overview, Topology), the cluster changing every 2 s
    const second = await context.newPage();
    await second.goto(dash.origin + "/#/topology");
    await second.locator('[data-testid="heatmap"]').waitFor({ timeout: 30_000 });
    const countStates =
      `(() => { let n = 0; const f = () => n++; const es = new EventSource("/api/events"); es.addEventListener("state", f); globalThis.__count = () => n; })()`;
    await first.evaluate(countStates);
    await second.evaluate(countStates);
    const pods = sim.store.list("pods") as KubeObject[];
    let changes = 0;
    const changer = setInterval(() => {
      const p = structuredClone(pods[changes % pods.length]);
      p.metadata.labels = { ...p.metadata.labels, "bench-tick": String(changes) };
      sim.store.put(p);
      changes++;
    }, 2000);
    const rssStartMiB = rssMiB(dash.pid);
    const samples: number[] = [];
    const end = Date.now() + soakSeconds * 1000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, Math.min(5000, Math.max(0, end - Date.now()))));
      samples.push(rssMiB(dash.pid));
    }
    clearInterval(changer);
    const statesPerTab = Math.min(
      // deno-lint-ignore no-explicit-any
      await first.evaluate(() => (globalThis as any).__count()),
      // deno-lint-ignore no-explicit-any
      await second.evaluate(() => (globalThis as any).__count()),
    );
    const rssEndMiB = samples[samples.length - 1];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const half = Math.floor(samples.length / 2);
    let gz = 0;
    for (const a of Object.values(ASSETS)) gz += await gzipSize(a.body);
    return {
      sets: sets.length,
      firstPaintMs,
      warmPaintMs,
      changeMedianMs: median(times),
      changeMaxMs: Math.max(...times),
      changeRuns,
      soakSeconds,
      rssStartMiB,
      rssEndMiB,
      rssMaxMiB: Math.max(...samples),
      rssGrowthSecondHalfMiB: mean(samples.slice(half)) - mean(samples.slice(0, half)),
      rssSamplesMiB: samples.map((x) => Math.round(x)),
      soakChanges: changes,
      soakStatesPerTab: statesPerTab,
      assetBytes: ASSET_BYTES,
      assetGzipBytes: gz,
    };
  } finally {
    await browser.close();
    await dash.stop();
  }
}

if (import.meta.main) {
  const { startSimCluster } = await import("../lib/sim/server.ts");
  const i = Deno.args.indexOf("--soak");
  const soakSeconds = i >= 0 ? Number(Deno.args[i + 1]) : 60;
  const sim = await startSimCluster({ scenario: "large" });
  try {
    console.log(JSON.stringify(await benchDashboard(sim, { soakSeconds }), null, 2));
  } finally {
    await sim.stop();
  }
}
