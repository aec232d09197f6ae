// End to end without a browser: the dashboard's server over the simulated
// cluster. Tokens, Host check, one list per kind however many tabs, the
// event stream pushing a change, the API's reports, actions with previews
// and clear errors, metrics series, and the CLI's warning for 0.0.0.0.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { startDashboardProcess } from "../helpers/browser.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { strategyOf } from "../../lib/revisions/pause.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { startDashboard } from "../../tasks/dashboard/server.ts";
import { UsageError } from "../../lib/errors.ts";
import { ASSETS } from "../../tasks/dashboard/assets.gen.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const SCOPE = { namespace: "inference", allNamespaces: false };
const SETTINGS = {
  actions: { createdBy: "test@sim", historyLimit: 10, scrape: { timeoutMs: 2000 } },
  scrape: { timeoutMs: 2000 },
};

/** Status of a GET /api/state sent with this Host header over a raw connection. */
async function rawStatus(origin: string, host: string, token: string): Promise<number> {
  const u = new URL(origin);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET /api/state HTTP/1.1\r\nHost: ${host}:${u.port}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return Number(/^HTTP\/1\.1 (\d+)/.exec(new TextDecoder().decode(buf.subarray(0, n ?? 0)))?.[1]);
  } finally {
    conn.close();
  }
}

/** Reads SSE frames of one event type from a response body. */
function frames(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  return {
    async next(ms: number): Promise<{ event: string; data: string }> {
      const end = Date.now() + ms;
      while (true) {
        const i = buf.indexOf("\n\n");
        if (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          if (!event) continue; // retry:, comments
          const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) =>
            l.slice(6)
          ).join("\n");
          return { event, data };
        }
        const left = end - Date.now();
        if (left <= 0) throw new Error(`no event within ${ms} ms`);
        const r = await Promise.race([
          reader.read(),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), left)),
        ]);
        if (r.done) throw new Error("stream ended");
        buf += r.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

Deno.test("dashboard api: tokens, Host check, shared watch, live push, reports", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  sim.requestLog.reset();
  const d = await startDashboard(kube, { scope: SCOPE, port: 0, ...SETTINGS });
  const auth = { authorization: `Bearer ${d.token}` };
  const get = (p: string, h: Record<string, string> = auth) => fetch(d.origin + p, { headers: h });
  try {
    assertMatch(d.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    // no token, wrong token: 401; the right one in a cookie or header: 200
    const bad: Record<string, string>[] = [
      {},
      { authorization: "Bearer nope" },
      { cookie: "grove_dashboard=nope" },
    ];
    for (const h of bad) {
      const r = await get("/api/state", h);
      assertEquals(r.status, 401);
      assertStringIncludes((await r.json()).error, "session token");
    }
    const page = await get("/", { cookie: `grove_dashboard=${d.token}` });
    assertEquals(page.status, 200);
    assertStringIncludes(await page.text(), '<script type="module" src="/app.js">');
    // first visit with ?token=: cookie set, redirected to a URL without it
    const first = await fetch(d.url, { redirect: "manual" });
    await first.body?.cancel();
    assertEquals(first.status, 303);
    assertEquals(first.headers.get("location"), "/");
    assertMatch(first.headers.get("set-cookie") ?? "", /HttpOnly; SameSite=Strict/);
    // a foreign Host (DNS rebinding) is refused even with the token
    // (fetch may not set Host: a raw request)
    assertEquals(await rawStatus(d.origin, "evil.example", d.token), 421);
    assertEquals(await rawStatus(d.origin, "localhost", d.token), 200);
    // gzip for the bundle
    const js = await get("/app.js", { ...auth, "accept-encoding": "gzip" });
    assertEquals(js.headers.get("content-encoding"), "gzip");
    assertEquals(await js.text(), ASSETS["/app.js"].body, "gzip decodes to the bundle");

    // three tabs share one list + watch per kind
    const listsAtStart = sim.requestLog.count((e) => e.method === "GET" && !/watch=/.test(e.query));
    const tabs = await Promise.all([0, 1, 2].map(() => get("/api/events")));
    const streams = tabs.map(frames);
    const firsts = await Promise.all(streams.map((s) => s.next(5000)));
    for (const f of firsts) {
      assertEquals(f.event, "state");
      const s = JSON.parse(f.data);
      assertEquals(s.overview[0].name, "llama-disagg");
      assertEquals(s.overview[0].minPlacementScore, 0.62);
    }
    // a change in the cluster reaches every tab within 2 s
    const pcs = structuredClone(
      sim.store.get("podcliquesets", "inference", "llama-disagg"),
    ) as PodCliqueSet;
    const t0 = Date.now();
    sim.store.put({ ...pcs, metadata: { name: "pushed", namespace: "inference" } } as never);
    for (const s of streams) {
      let names: string[] = [];
      while (!names.includes("pushed")) {
        const f = await s.next(2000);
        names = JSON.parse(f.data).overview.map((r: { name: string }) => r.name);
      }
    }
    assert(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    const lists = sim.requestLog.count((e) => e.method === "GET" && !/watch=/.test(e.query));
    assertEquals(lists, listsAtStart, "no list per tab or per change");
    // one list per kind the source watches (10, plus DRA ResourceClaims and ResourceSlices)
    assert(listsAtStart <= 12, `${listsAtStart} lists`);
    await Promise.all(streams.map((s) => s.cancel()));

    // reports from the same snapshot
    const topo = await (await get("/api/topology")).json();
    const gang = topo.workload.podCliqueSets.find((p: { name: string }) =>
      p.name === "llama-disagg"
    ).gangs.find((g: { name: string }) => g.name === "llama-disagg-0");
    assertEquals(gang.placement, "split");
    assertEquals(topo.cluster.cluster.fits[0], { gpus: 1, pods: 23 });
    const set = await (await get("/api/set?namespace=inference&name=llama-disagg")).json();
    assertEquals(set.pods.length, 9);
    assertEquals(set.status.gangs.length, 2);
    const missing = await get("/api/set?namespace=inference&name=nope");
    assertEquals(missing.status, 404);
    assertStringIncludes((await missing.json()).error, 'podcliqueset "nope" not found');
    const hist = await (await get("/api/history?namespace=inference&name=llama-disagg")).json();
    assertEquals([hist.kind, hist.liveUnrecorded], ["RolloutHistory", true]);
    const events = await (await get("/api/set/events?namespace=inference&name=llama-disagg"))
      .json();
    assertEquals(events.events[0].type, "Warning");
    const crash = set.pods.find((p: { phase: string }) => p.phase === "CrashLoopBackOff");
    const logs = await get(
      `/api/logs?namespace=inference&pod=${crash.name}&previous=1&tail=5`,
    );
    assertEquals(logs.status, 200);
    assert((await logs.text()).split("\n").filter(Boolean).length <= 5);
    const noParam = await get("/api/set?namespace=inference");
    assertEquals(noParam.status, 400);
    assertStringIncludes((await noParam.json()).error, '"name" is missing');
  } finally {
    await d.close();
    await sim.stop();
  }
});

Deno.test("dashboard api: actions preview, perform, refuse with reasons", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  const d = await startDashboard(kube, { scope: SCOPE, port: 0, ...SETTINGS });
  const post = (body: unknown, h: Record<string, string> = {}) =>
    fetch(`${d.origin}/api/actions`, {
      method: "POST",
      headers: { authorization: `Bearer ${d.token}`, "content-type": "application/json", ...h },
      body: JSON.stringify(body),
    });
  const strategy = () =>
    strategyOf(sim.store.get("podcliquesets", "inference", "llama-disagg") as PodCliqueSet);
  const target = { namespace: "inference", name: "llama-disagg" };
  try {
    let r = await (await post({ action: "pause", ...target, dryRun: true })).json();
    assertEquals(r.outcome, "preview");
    assertEquals(r.command, "kubectl grove rollout pause llama-disagg -n inference --dry-run");
    assertEquals(strategy(), "RollingRecreate");
    r = await (await post({ action: "pause", ...target })).json();
    assertEquals([r.outcome, strategy()], ["done", "OnDelete"]);
    r = await (await post({ action: "pause", ...target, dryRun: true })).json();
    assertEquals(r.outcome, "no-change");
    r = await (await post({ action: "restart", ...target, role: "prefill", dryRun: true })).json();
    assertEquals(r.outcome, "preview");
    assertStringIncludes(r.preview, "restart podcliqueset inference/llama-disagg (role prefill)");
    // no progressive rollout: a clear refusal with the next step
    let res = await post({ action: "promote", ...target, dryRun: true });
    assertEquals(res.status, 409);
    r = await res.json();
    assertStringIncludes(r.error, "has no progressive rollout to promote");
    assertStringIncludes(r.hint, "kubectl grove rollout canary llama-disagg");
    res = await post({ action: "undo", ...target, revision: 4, dryRun: true });
    r = await res.json();
    assertEquals(res.status, 404);
    assertStringIncludes(r.error, "revision 4");
    res = await post({ action: "scale", ...target });
    assertEquals(res.status, 400);
    assertStringIncludes((await res.json()).hint, "pause, resume, undo");
    res = await post({ action: "resume", ...target }, { origin: "http://evil.example" });
    assertEquals(res.status, 403);
    await res.body?.cancel();
    assertEquals(strategy(), "OnDelete");
    r = await (await post({ action: "resume", ...target })).json();
    assertEquals([r.outcome, strategy()], ["done", "RollingRecreate"]);
  } finally {
    await d.close();
    await sim.stop();
  }
});

Deno.test("dashboard api: metrics series from repeated scrapes", opts, async () => {
  const plan = { sla: { ttft_ms: 1000, tpot_ms: 500 }, expected: { ttft_ms: 400 } };
  const sim = await startSimCluster({
    scenario: "fragmented",
    synthesizeMetrics: true,
    objects: [{
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "llama-disagg-aic-plan", namespace: "inference" },
      data: { "plan.json": JSON.stringify(plan) },
    }],
  });
  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  const d = await startDashboard(kube, {
    scope: SCOPE,
    port: 0,
    ...SETTINGS,
    metricsIntervalMs: 300,
  });
  const get = () =>
    fetch(`${d.origin}/api/metrics?namespace=inference&name=llama-disagg`, {
      headers: { authorization: `Bearer ${d.token}` },
    }).then((r) => r.json());
  try {
    let m = await get();
    const end = Date.now() + 10_000;
    while (m.samples.length < 3 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 300));
      m = await get();
    }
    assert(m.samples.length >= 3, `${m.samples.length} samples`);
    const last = m.samples[m.samples.length - 1];
    assert(last.scraped > 0);
    assert(Object.keys(last.roles).length >= 2, Object.keys(last.roles).join(","));
    assert(
      m.samples.every((s: { t: number }, i: number, a: { t: number }[]) =>
        i === 0 || a[i - 1].t < s.t
      ),
    );
    assertEquals(m.latest.kind, "MetricsReport");
    // the plan's SLA and lines, and the verdict in every tab's Overview
    assertEquals([m.sla.ttftMs, m.sla.tpotMs, m.sla.source], [1000, 500, "plan"]);
    assertEquals(m.plan.ttftMs, 400);
    const st = await fetch(`${d.origin}/api/state`, {
      headers: { authorization: `Bearer ${d.token}` },
    }).then((r) => r.json());
    const v = st.sla["inference/llama-disagg"];
    assertEquals(
      [v.source, v.ttft, v.tpot],
      ["plan", "breach", "ok"],
      JSON.stringify(m.latest.total),
    );
  } finally {
    await d.close();
    await sim.stop();
  }
});

Deno.test("dashboard cli: --address 0.0.0.0 warns; SIGTERM stops with exit 0", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const dash = await startDashboardProcess(sim.kubeconfigPath, [
    "-n",
    "inference",
    "--address",
    "0.0.0.0",
    "--port",
    "0",
  ]);
  try {
    const r = await fetch(`${dash.origin}/api/state`, {
      headers: { authorization: `Bearer ${dash.token}` },
    });
    assertEquals(r.status, 200);
    await r.body?.cancel();
  } finally {
    const code = await dash.stop();
    await sim.stop();
    assertEquals(code, 0, dash.stderr());
    assertStringIncludes(dash.stderr(), "warning: listening on 0.0.0.0");
  }
});

Deno.test(
  "dashboard api: canary promoted and a role restarted as jobs, on the operator simulation",
  opts,
  async () => {
    const { simOperator } = await import("../../lib/sim/operator/mod.ts");
    const { synthMetricsHandler } = await import("../../lib/sim/metrics_synth.ts");
    const { runCli } = await import("../helpers/cli.ts");
    const sim = await startSimCluster({
      scenario: "healthy",
      operator: simOperator({ stepMs: 20, readyDelayMs: 40 }),
      proxyHandler: synthMetricsHandler(),
    });
    const env = { KUBECONFIG: sim.kubeconfigPath };
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
    ], { env });
    assertEquals(canary.code, 0, canary.stderr);
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const d = await startDashboard(kube, {
      scope: SCOPE,
      port: 0,
      ...SETTINGS,
      actions: { ...SETTINGS.actions, pollMs: 20 },
    });
    const headers = { authorization: `Bearer ${d.token}`, "content-type": "application/json" };
    const post = (body: unknown) =>
      fetch(`${d.origin}/api/actions`, { method: "POST", headers, body: JSON.stringify(body) })
        .then((r) => r.json());
    const state = () => fetch(`${d.origin}/api/state`, { headers }).then((r) => r.json());
    const job = async (id: number) => {
      const end = Date.now() + 20_000;
      while (Date.now() < end) {
        const j = (await state()).jobs.find((x: { id: number }) => x.id === id);
        if (j.state !== "running") return j;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`job ${id} still running`);
    };
    const target = { namespace: "inference", name: "qwen-disagg" };
    try {
      const row = (await state()).overview.find((r: { name: string }) => r.name === "qwen-disagg");
      assertEquals([row.paused, row.progressive], [true, "canary Canary"]);
      assertStringIncludes(
        (await state()).progressive["inference/qwen-disagg"],
        "canary to vllm:new, Canary",
      );
      const preview = await post({ action: "promote", ...target, dryRun: true });
      assertEquals(preview.outcome, "preview");
      assertStringIncludes(preview.preview, "canary to vllm:new, Canary");
      assertEquals(
        preview.question,
        "Promote the rollout of podcliqueset inference/qwen-disagg to every pod?",
      );
      const started = await post({ action: "promote", ...target });
      assertEquals(started.outcome, "started");
      const done = await job(started.job.id);
      assertEquals([done.state, done.message], ["done", "promote: complete"], done.detail);
      const live = sim.store.get("podcliquesets", "inference", "qwen-disagg") as PodCliqueSet;
      assertEquals(strategyOf(live), "RollingRecreate");

      const r = await post({ action: "restart", ...target, role: "frontend" });
      assertEquals(r.outcome, "started");
      const rj = await job(r.job.id);
      assertEquals(rj.state, "done", rj.message);
      assertMatch(rj.message, /^\d+ pods restarted in \d+ batches$/);
    } finally {
      await d.close();
      await sim.stop();
    }
  },
);

Deno.test("dashboard api: a port in use or a foreign address is a usage error", opts, async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  const d = await startDashboard(kube, { scope: SCOPE, port: 0, ...SETTINGS });
  try {
    const port = Number(new URL(d.origin).port);
    let err: unknown;
    try {
      await startDashboard(kube, { scope: SCOPE, port, ...SETTINGS });
    } catch (e) {
      err = e;
    }
    assert(err instanceof UsageError, String(err));
    assertEquals(err.message, `port ${port} on 127.0.0.1 is in use`);
    assertStringIncludes(err.hint ?? "", "--port");
    // an address this machine does not have (binding fails locally; nothing is sent)
    err = undefined;
    try {
      await startDashboard(kube, { scope: SCOPE, address: "192.0.2.1", port: 0, ...SETTINGS });
    } catch (e) {
      err = e;
    }
    assert(err instanceof UsageError, String(err));
    assertEquals(err.message, "cannot listen on 192.0.2.1: no such address on this machine");
  } finally {
    await d.close();
    await sim.stop();
  }
});
