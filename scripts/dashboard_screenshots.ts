/**
 * Screenshots of every dashboard view for the README and docs/: the
 * dashboard (as a child process) over simulated clusters, in headless
 * chromium. Overview, Set detail, Topology, Metrics and Plan vs actual use
 * the `fragmented` scenario (with a stored plan and synthesized engine
 * metrics); Rollouts uses the `rollout` scenario (revisions 1 and 2, a
 * rollout in progress) with the pause preview open; the Overview at scale
 * uses the `large` scenario (60 sets, every namespace).
 *
 * ```
 * deno run -A scripts/dashboard_screenshots.ts   # writes docs/dashboard-*.png
 * ```
 *
 * @module
 */

import { startSimCluster } from "../lib/sim/server.ts";
import type { KubeObject } from "../lib/kube/types.ts";
import { launchBrowser, startDashboardProcess } from "../tests/helpers/browser.ts";

const DOCS = new URL("../docs/", import.meta.url).pathname;

const PLAN = {
  model: "meta-llama/Llama-3.1-70B-Instruct",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 3, decode_workers: 2, prefill_tp: 4, decode_tp: 8 },
  expected: { throughput_tokens_per_sec_per_gpu: 900, ttft_ms: 400, tpot_ms: 35 },
  sla: { ttft_ms: 1500, tpot_ms: 50 },
};

function planCm(pcs: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${pcs}-aic-plan`,
      namespace: "inference",
      labels: { "grove.io/aic-plan": pcs },
    },
    data: { "plan.json": JSON.stringify(PLAN) },
  };
}

const browser = await launchBrowser();
try {
  {
    const sim = await startSimCluster({
      scenario: "fragmented",
      synthesizeMetrics: true,
      objects: [planCm("llama-disagg")],
    });
    const dash = await startDashboardProcess(sim.kubeconfigPath, [
      "-n",
      "inference",
      "--port",
      "0",
    ]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(dash.url);
      await page.locator('[data-testid="pcs-row"]').first().waitFor();
      await page.click('[data-testid="pcs-link"]');
      await page.locator('[data-testid="events"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="pod-row"] a', { hasText: "prefill-g77jp" }).click();
      await page.locator('[data-testid="logs"] input[type="checkbox"]').check();
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${DOCS}dashboard-set.png`, fullPage: true });
      await page.click('[data-testid="tab-topology"]');
      await page.locator('[data-testid="heatmap"]').waitFor();
      await page.fill('[data-testid="fit-n"]', "4");
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${DOCS}dashboard-topology.png`, fullPage: true });
      await page.click('[data-testid="tab-metrics"]');
      // a few scrape rounds (every 5 s)
      await page.waitForTimeout(26_000);
      await page.screenshot({ path: `${DOCS}dashboard-metrics.png`, fullPage: true });
      await page.click('[data-testid="tab-compare"]');
      await page.fill('input[type="number"]', "5");
      await page.click('[data-testid="compare-run"]');
      await page.locator('[data-testid="compare-report"]').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: `${DOCS}dashboard-compare.png`, fullPage: true });
      // the Overview last: the SLA verdict is known once the Metrics view has scraped
      await page.click('[data-testid="tab-overview"]');
      await page.locator('[data-testid="sla"]').first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: `${DOCS}dashboard-overview-sla.png` });
    } finally {
      await dash.stop();
      await sim.stop();
    }
  }
  {
    const sim = await startSimCluster({ scenario: "rollout" });
    const dash = await startDashboardProcess(sim.kubeconfigPath, [
      "-n",
      "inference",
      "--port",
      "0",
    ]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      await page.goto(dash.url);
      await page.locator('[data-testid="pcs-row"]').first().waitFor();
      await page.click('[data-testid="pcs-link"]');
      await page.click('[data-testid="tab-rollouts"]');
      await page.locator('[data-testid="revisions"]').waitFor();
      await page.selectOption('[data-testid="diff-a"]', "1");
      await page.selectOption('[data-testid="diff-b"]', "2");
      await page.click('[data-testid="diff-run"]');
      await page.locator('[data-testid="diff"]').waitFor();
      await page.screenshot({ path: `${DOCS}dashboard-rollouts.png`, fullPage: true });
      await page.click('[data-testid="action-pause"]');
      await page.locator('[data-testid="confirm"]').waitFor();
      await page.screenshot({ path: `${DOCS}dashboard-rollouts-confirm.png` });
    } finally {
      await dash.stop();
      await sim.stop();
    }
  }
  {
    // the Overview at scale: the large scenario, every namespace, sorted by the soonest breach
    const sim = await startSimCluster({ scenario: "large" });
    const dash = await startDashboardProcess(sim.kubeconfigPath, ["-A", "--port", "0"]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(dash.url);
      await page.locator('[data-testid="pcs-row"]').first().waitFor();
      await page.click('th:has-text("Min score")');
      await page.screenshot({ path: `${DOCS}dashboard-overview.png` });
      // a fragmented gang on a 520-node cluster: only the domains the set uses
      await page.locator('[data-testid="pcs-row"][data-name="disagg-57"] [data-testid="pcs-link"]')
        .click();
      await page.click('[data-testid="tab-topology"]');
      await page.locator('[data-testid="heatmap"]').waitFor();
      await page.screenshot({ path: `${DOCS}dashboard-topology-large.png` });
    } finally {
      await dash.stop();
      await sim.stop();
    }
  }
} finally {
  await browser.close();
}
console.error("wrote docs/dashboard-*.png");
