// End to end: several clusters at once. Three contexts: two simulated
// clusters and one that accepts connections but never answers. Every fleet
// command prints the two clusters' reports with a CONTEXT column, names the
// silent one and why, exits 5, and returns within the per-cluster timeout.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { yamlDump, yamlLoad } from "../../lib/deps.ts";
import type { FleetReport } from "../../lib/kube/fleet.ts";
import type { RecommendReport } from "../../tasks/recommend/report.ts";
import type { HealthReport } from "../../tasks/health/report.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

// deno-lint-ignore no-explicit-any
type Kc = any;

async function fleet() {
  const east = await startSimCluster({ scenario: "fragmented" });
  const west = await startSimCluster({ scenario: "healthy" });
  // a server that accepts TCP connections and never says a word
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    try {
      for await (const c of silent) held.push(c);
    } catch { /* closed */ }
  })();
  // a port nobody listens on
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const load = (p: string): Kc => yamlLoad(Deno.readTextFileSync(p));
  const e = load(east.kubeconfigPath);
  const w = load(west.kubeconfigPath);
  const dir = await Deno.makeTempDir({ prefix: "fleet-kubeconfig-" });
  const path = `${dir}/config`;
  const cluster = (name: string, from: Kc, server?: string) => ({
    name,
    cluster: { ...from.clusters[0].cluster, ...(server ? { server } : {}) },
  });
  const ctx = (name: string, user: string) => ({
    name,
    context: { cluster: name, user, namespace: "inference" },
  });
  await Deno.writeTextFile(
    path,
    yamlDump({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "east",
      clusters: [
        cluster("east", e),
        cluster("west", w),
        cluster("silent", e, `https://127.0.0.1:${(silent.addr as Deno.NetAddr).port}`),
        cluster("gone", e, `https://127.0.0.1:${closedPort}`),
      ],
      users: [{ name: "east", user: e.users[0].user }, { name: "west", user: w.users[0].user }],
      contexts: [
        ctx("east", "east"),
        ctx("west", "west"),
        ctx("silent", "east"),
        ctx("gone", "east"),
      ],
    }),
  );
  return {
    east,
    west,
    env: { KUBECONFIG: path },
    async stop() {
      silent.close();
      for (const c of held) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await east.stop();
      await west.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const THREE = ["--context", "east", "--context", "west", "--context", "silent"];

Deno.test(
  "fleet: recommend over two clusters and a silent one: partial result, exit 5, within the timeout",
  opts,
  async () => {
    const f = await fleet();
    try {
      // the same requests per cluster as for one
      f.east.requestLog.reset();
      const one = await runCli(["--context", "east", "recommend", "-A", "-o", "json"], {
        env: f.env,
      });
      assertEquals(one.code, 3, one.stderr);
      const single = f.east.requestLog.count((x) => x.path.startsWith("/api"));
      f.east.requestLog.reset();
      f.west.requestLog.reset();
      const t0 = Date.now();
      const r = await runCli([...THREE, "--cluster-timeout", "2s", "recommend", "-A"], {
        env: f.env,
      });
      const ms = Date.now() - t0;
      assertEquals(r.code, 5, r.stderr);
      assert(ms < 2000 + 3000, `took ${ms}ms with a 2s cluster timeout`);
      assert(ms >= 1900, `returned before the timeout (${ms}ms)?`);
      assertEquals(f.east.requestLog.count((x) => x.path.startsWith("/api")), single);
      const lines = r.stdout.split("\n");
      assertMatch(lines[0], /^RANK\s+SEVERITY\s+CONTEXT\s+RULE\s+FINDING/);
      // the imminent termination of the east cluster is first of the whole fleet
      assertMatch(
        lines[1],
        /^1\s+critical\s+east\s+termination\s+gang llama-disagg-0 /,
      );
      assertStringIncludes(r.stdout, 'context "silent"');
      assertMatch(
        r.stdout,
        /! context "silent" \(https:\/\/127\.0\.0\.1:\d+\): timeout: no answer within 2s/,
      );
      assertStringIncludes(r.stderr, 'warning: context "silent"');

      const j = await runCli(
        [...THREE, "--cluster-timeout", "2s", "recommend", "-A", "-o", "json"],
        {
          env: f.env,
        },
      );
      assertEquals(j.code, 5);
      const rep = JSON.parse(j.stdout) as FleetReport<RecommendReport>;
      assertEquals([rep.apiVersion, rep.kind], ["kubectl-grove.io/v1alpha1", "FleetReport"]);
      assertEquals(rep.contexts, ["east", "west", "silent"]);
      assertEquals(rep.items.map((i) => [i.context, i.report.kind]), [
        ["east", "RecommendReport"],
        ["west", "RecommendReport"],
      ]);
      assertEquals(rep.failures.map((x) => [x.context, x.reason]), [["silent", "timeout"]]);
    } finally {
      await f.stop();
    }
  },
);

Deno.test(
  "fleet: status --all, health --all, topology --cluster with a CONTEXT column; a refused port is named",
  opts,
  async () => {
    const f = await fleet();
    try {
      const ctxs = ["--context", "east", "--context", "west", "--context", "gone"];
      const s = await runCli([...ctxs, "status", "--all", "-A"], { env: f.env });
      assertEquals(s.code, 5, s.stderr);
      const sl = s.stdout.split("\n");
      assertMatch(sl[0], /^CONTEXT\s+NAMESPACE\s+NAME\s+STATE/);
      assertMatch(s.stdout, /^east\s+!\s+inference\s+llama-disagg\s+Unhealthy/m);
      assertMatch(s.stdout, /^west\s+inference\s+qwen-disagg\s+Ready/m);
      assertMatch(s.stdout, /! context "gone" \(https:\/\/127\.0\.0\.1:\d+\): unreachable: /);

      const h = await runCli([
        "--context",
        "east",
        "--context",
        "west",
        "health",
        "--all",
        "-o",
        "json",
      ], {
        env: f.env,
      });
      assertEquals(h.code, 3, h.stderr); // every cluster read; east is unhealthy
      const hr = JSON.parse(h.stdout) as FleetReport<HealthReport>;
      assertEquals(hr.items.map((i) => [i.context, i.report.healthy]), [["east", false], [
        "west",
        true,
      ]]);
      assertEquals(hr.failures, []);

      const t = await runCli(
        ["--all-contexts", "--cluster-timeout", "1s", "topology", "--cluster"],
        {
          env: f.env,
        },
      );
      assertEquals(t.code, 5, t.stderr);
      assertMatch(t.stdout, /^east\s+Cluster GPUs: 128 allocatable/m);
      assertMatch(t.stdout, /^west\s+Cluster GPUs:/m);
      assertMatch(t.stdout, /Not read \(2 of 4 contexts\)/);

      // one --context stays the single-cluster command; two on a one-cluster command is a usage error
      const single = await runCli(["--context", "west", "status", "--all"], { env: f.env });
      assertEquals(single.code, 0, single.stderr);
      assertMatch(single.stdout, /^NAME\s+STATE/);
      const bad = await runCli([
        "--context",
        "east",
        "--context",
        "west",
        "scale",
        "x",
        "--replicas",
        "1",
      ], {
        env: f.env,
      });
      assertEquals(bad.code, 2);
      assertStringIncludes(bad.stderr, "this command acts on one cluster");
      const unknown = await runCli(["--context", "east", "--context", "nope", "status", "--all"], {
        env: f.env,
      });
      assertEquals(unknown.code, 1);
      assertStringIncludes(unknown.stderr, 'context "nope" not found');
    } finally {
      await f.stop();
    }
  },
);
