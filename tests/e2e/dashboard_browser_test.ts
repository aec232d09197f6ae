// End to end: `kubectl grove dashboard` against the simulated cluster,
// driven in headless chromium (Debian's, through playwright-core): the
// overview shows the fragmented scenario's set with its score and a ticking
// countdown; a change made through the Kubernetes API shows up within 2 s
// without a reload; the topology marks the split gang; pause then resume
// from the Rollouts view change the PodCliqueSet's update strategy and
// back; no token gets 401; --read-only refuses an action. Skipped with a
// message when chromium is missing, except under CI=true (then it fails).
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { browserAvailable, launchBrowser, startDashboardProcess } from "../helpers/browser.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { strategyOf } from "../../lib/revisions/pause.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const RUN = browserAvailable("dashboard browser tests");

async function until<T>(f: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Polls a text (the page's CSP forbids evaluating strings) until it matches. */
async function waitText(read: () => Promise<string>, re: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let text = "";
  while (Date.now() < end) {
    text = await read();
    if (re.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${re}; text:\n${text}`);
}

Deno.test({
  name:
    "dashboard e2e (chromium): overview, live change < 2 s, split gang, pause/resume, 401, read-only",
  ignore: !RUN,
  ...opts,
  fn: async (t) => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    const dash = await startDashboardProcess(sim.kubeconfigPath, [
      "-n",
      "inference",
      "--port",
      "0",
    ]);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));

      await t.step("overview: the set, its min score and a ticking countdown", async () => {
        await page.goto(dash.url);
        // the token moved into a cookie and out of the address bar
        assertEquals(new URL(page.url()).search, "");
        const row = page.locator('[data-testid="pcs-row"][data-name="llama-disagg"]');
        await row.waitFor({ timeout: 15_000 });
        assertEquals(await row.locator('[data-testid="score"]').innerText(), "0.62");
        const cd = row.locator('[data-testid="countdown"]');
        const first = await cd.innerText();
        assertMatch(first, /^\d+m\d\ds$/);
        await page.waitForFunction(
          (before) =>
            // deno-lint-ignore no-explicit-any
            (globalThis as any).document.querySelector(
              '[data-testid="pcs-row"] [data-testid="countdown"]',
            )?.textContent !== before,
          first,
          { timeout: 3000 },
        );
        assertEquals(await page.locator('[data-testid="connection"]').innerText(), "live");
      });

      await t.step("a change through the API appears within 2 s without reload", async () => {
        const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
        const pcs = sim.store.get("podcliquesets", "inference", "llama-disagg") as PodCliqueSet;
        const copy = structuredClone(pcs);
        copy.metadata = { name: "api-added", namespace: "inference" };
        delete (copy as { status?: unknown }).status;
        const navigations: string[] = [];
        page.on("framenavigated", (f) => navigations.push(f.url()));
        const t0 = Date.now();
        await kube.create(Resources.podcliquesets, copy);
        await page.locator('[data-testid="pcs-row"][data-name="api-added"]').waitFor({
          timeout: 2000,
        });
        const ms = Date.now() - t0;
        assert(ms < 2000, `took ${ms} ms`);
        assertEquals(navigations, [], "no reload");
        await kube.delete(Resources.podcliquesets, "api-added", { namespace: "inference" });
        await page.locator('[data-testid="pcs-row"][data-name="api-added"]').waitFor({
          state: "detached",
          timeout: 2000,
        });
      });

      await t.step("overview: filter and sort", async () => {
        const rows = page.locator('[data-testid="pcs-row"]');
        await page.fill('[data-testid="filter"]', "no-such-set");
        await rows.first().waitFor({ state: "detached", timeout: 2000 });
        await page.fill('[data-testid="filter"]', "unhealthy");
        await rows.first().waitFor({ timeout: 2000 });
        assertEquals(await rows.count(), 1);
        await page.fill('[data-testid="filter"]', "");
        await page.click('th:has-text("Min score")');
        assertEquals(await page.locator('th[aria-sort="ascending"]').innerText(), "Min score ▲");
        await page.click('th:has-text("Min score")');
        assertEquals(await page.locator('th[aria-sort="descending"]').innerText(), "Min score ▼");
      });

      await t.step("set detail: hierarchy, Warning events first, logs incl. previous", async () => {
        await page.click(
          '[data-testid="pcs-row"][data-name="llama-disagg"] [data-testid="pcs-link"]',
        );
        await page.locator('[data-testid="set-name"]').waitFor();
        assertEquals(await page.locator('[data-testid="gang-row"]').count(), 2);
        assertEquals(await page.locator('[data-testid="pod-row"]').count(), 9);
        const events = page.locator('[data-testid="events"] tbody tr');
        await events.first().waitFor({ timeout: 5000 });
        assertStringIncludes(await events.first().innerText(), "Warning");
        await page.locator('[data-testid="pod-row"] a', { hasText: "prefill-g77jp" }).click();
        const logs = page.locator('[data-testid="logs"] pre');
        await waitText(() => logs.innerText(), /Loading model weights/, 5000);
        assert(!(await logs.innerText()).includes("CUDA out of memory"));
        await page.locator('[data-testid="logs"] input[type="checkbox"]').check();
        await waitText(() => logs.innerText(), /CUDA out of memory/, 5000);
      });

      await t.step("topology marks the split gang", async () => {
        await page.click('[data-testid="tab-topology"]');
        const chip = page.locator('[data-testid="gang-chip"][data-gang="llama-disagg-0"]');
        await chip.waitFor({ timeout: 5000 });
        assertEquals(await chip.getAttribute("data-placement"), "split");
        assertStringIncludes(
          await chip.locator('[data-testid="split-gang"]').innerText(),
          "rack-a1, rack-a2",
        );
        // both racks the gang spans are marked; a rack it does not use is not
        for (const rack of ["rack-a1", "rack-a2"]) {
          const d = page.locator(`[data-testid="domain-rack"][data-domain="${rack}"]`);
          assertEquals(
            await d.locator(':scope > .domain-head [data-testid="split-domain"]').count(),
            1,
          );
        }
        assertEquals(
          await page.locator(
            '[data-testid="domain-rack"][data-domain="rack-b1"] > .domain-head [data-testid="split-domain"]',
          ).count(),
          0,
        );
        // the cordoned node is marked
        assertStringIncludes(
          await page.locator('[data-testid="node"][data-node="gpu-a2-04"]').innerText(),
          "cordoned",
        );
      });

      const strategy = () =>
        strategyOf(sim.store.get("podcliquesets", "inference", "llama-disagg") as PodCliqueSet);

      await t.step(
        "pause then resume from the Rollouts view, with preview and confirm",
        async () => {
          await page.click('[data-testid="tab-rollouts"]');
          await page.locator('[data-testid="action-pause"]').click();
          const dialog = page.locator('[data-testid="confirm"]');
          await dialog.waitFor({ timeout: 5000 });
          const text = await dialog.innerText();
          assertStringIncludes(text, "strategy RollingRecreate -> OnDelete");
          assertStringIncludes(text, "kubectl grove rollout pause llama-disagg -n inference");
          assertEquals(strategy(), "RollingRecreate", "the preview changed nothing");
          await page.click('[data-testid="confirm-yes"]');
          await until(() => strategy() === "OnDelete", 5000, "strategy OnDelete");
          await page.locator('[data-testid="rollout-paused"]').waitFor({ timeout: 2000 });

          await page.locator('[data-testid="action-resume"]').click();
          await dialog.waitFor({ timeout: 5000 });
          assertStringIncludes(await dialog.innerText(), "OnDelete -> RollingRecreate");
          await page.click('[data-testid="confirm-yes"]');
          await until(() => strategy() === "RollingRecreate", 5000, "strategy RollingRecreate");
          await page.locator('[data-testid="rollout-paused"]').waitFor({
            state: "detached",
            timeout: 2000,
          });
        },
      );

      await t.step("requests without the token get 401", async () => {
        for (const path of ["/", "/app.js", "/api/state", "/api/events"]) {
          const r = await fetch(dash.origin + path);
          await r.body?.cancel();
          assertEquals(r.status, 401, path);
        }
        const wrong = await fetch(`${dash.origin}/api/state`, {
          headers: { authorization: `Bearer ${"0".repeat(64)}` },
        });
        await wrong.body?.cancel();
        assertEquals(wrong.status, 401);
        const post = await fetch(`${dash.origin}/api/actions`, {
          method: "POST",
          body: JSON.stringify({ action: "pause", namespace: "inference", name: "llama-disagg" }),
        });
        await post.body?.cancel();
        assertEquals(post.status, 401);
        assertEquals(strategy(), "RollingRecreate");
      });

      await t.step("the API server goes away: the page says the data is stale", async () => {
        await sim.stop();
        await waitText(
          () => page.locator('[data-testid="connection"]').innerText(),
          /^stale$/,
          5000,
        );
        assertStringIncludes(await page.locator(".error").first().innerText(), "data is stale");
      });

      assertEquals(errors, [], "no script errors in the page");
    } finally {
      await browser.close();
      await dash.stop();
      await sim.stop();
    }
  },
});

Deno.test({
  name: "dashboard e2e (chromium): --read-only hides the actions and refuses them",
  ignore: !RUN,
  ...opts,
  fn: async () => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    const dash = await startDashboardProcess(sim.kubeconfigPath, [
      "-n",
      "inference",
      "--port",
      "0",
      "--read-only",
    ]);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(dash.url);
      await page.locator('[data-testid="pcs-row"]').first().waitFor({ timeout: 15_000 });
      await page.click('[data-testid="tab-rollouts"]');
      await page.locator('[data-testid="read-only"]').waitFor({ timeout: 5000 });
      assertEquals(await page.locator('[data-testid="actions"]').count(), 0);
      // the same request the page would send, with the page's own cookie
      const res = await page.evaluate(async () => {
        const r = await fetch("/api/actions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            action: "pause",
            namespace: "inference",
            name: "llama-disagg",
            dryRun: false,
          }),
        });
        return { status: r.status, body: await r.json() };
      });
      assertEquals(res.status, 403);
      assertStringIncludes(res.body.error, "read-only");
      assertEquals(
        strategyOf(sim.store.get("podcliquesets", "inference", "llama-disagg") as PodCliqueSet),
        "RollingRecreate",
      );
    } finally {
      await browser.close();
      await dash.stop();
      await sim.stop();
    }
  },
});

Deno.test({
  name: "dashboard e2e (chromium): a canary promoted from the Rollouts view runs as a job",
  ignore: !RUN,
  ...opts,
  fn: async () => {
    const { simOperator } = await import("../../lib/sim/operator/mod.ts");
    const { synthMetricsHandler } = await import("../../lib/sim/metrics_synth.ts");
    const { runCli } = await import("../helpers/cli.ts");
    const { startDashboard } = await import("../../tasks/dashboard/server.ts");
    const sim = await startSimCluster({
      scenario: "healthy",
      operator: simOperator({ stepMs: 20, readyDelayMs: 40 }),
      proxyHandler: synthMetricsHandler(),
    });
    const canary = await runCli([
      "rollout",
      "canary",
      "qwen-disagg",
      "--image",
      "vllm:new",
      "--role",
      "prefill",
      "--pods",
      "1",
      "--interval",
      "20ms",
      "--yes",
    ], { env: { KUBECONFIG: sim.kubeconfigPath } });
    assertEquals(canary.code, 0, canary.stderr);
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const scrape = { timeoutMs: 2000 };
    const d = await startDashboard(kube, {
      scope: { namespace: "inference", allNamespaces: false },
      port: 0,
      scrape,
      actions: { createdBy: "test@sim", historyLimit: 10, scrape, pollMs: 20 },
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(d.url);
      const link = page.locator(
        '[data-testid="pcs-row"][data-name="qwen-disagg"] [data-testid="pcs-link"]',
      );
      // on a loaded machine the operator simulation keeps the first state busy: one reload
      await link.waitFor({ timeout: 15_000 }).catch(async () => {
        await page.reload();
        await link.waitFor({ timeout: 30_000 });
      });
      await link.click();
      await page.click('[data-testid="tab-rollouts"]');
      assertStringIncludes(
        await page.locator('[data-testid="progressive"]').innerText(),
        "canary to vllm:new, Canary",
      );
      await page.click('[data-testid="action-promote"]');
      const dialog = page.locator('[data-testid="confirm"]');
      await dialog.waitFor({ timeout: 5000 });
      assertStringIncludes(await dialog.innerText(), "Promote the rollout of podcliqueset");
      assertStringIncludes(await dialog.innerText(), "kubectl grove rollout promote qwen-disagg");
      await page.click('[data-testid="confirm-yes"]');
      const jobs = page.locator('[data-testid="jobs"]');
      await waitText(() => jobs.innerText(), /done\s+kubectl grove rollout promote/, 20_000);
      assertStringIncludes(await jobs.innerText(), "promote: complete");
      const live = sim.store.get("podcliquesets", "inference", "qwen-disagg") as PodCliqueSet;
      assertEquals(strategyOf(live), "RollingRecreate");
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await d.close();
      await sim.stop();
    }
  },
});
