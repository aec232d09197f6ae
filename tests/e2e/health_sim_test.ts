// End to end: `kubectl grove health` through the real client against the
// simulated cluster: exit codes, request counts, --watch ticking without
// requests and refreshing on API changes.
import { describeRun, spawnCli } from "../helpers/spawn.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { watchHealth } from "../../tasks/health/watch.ts";
import type { HealthReport } from "../../tasks/health/report.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "e2e health: healthy exits 0, fragmented exits 3 with the countdown, 6 requests",
  opts,
  async () => {
    const healthy = await startSimCluster({ scenario: "healthy" });
    try {
      const r = await runCli(["health", "--all"], { env: { KUBECONFIG: healthy.kubeconfigPath } });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /Summary: 3 of 3 gangs healthy/);
    } finally {
      await healthy.stop();
    }
    const sim = await startSimCluster({ scenario: "fragmented" });
    try {
      sim.requestLog.reset();
      const r = await runCli(["health", "llama-disagg"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 3, r.stderr);
      assertStringIncludes(r.stdout, "UNHEALTHY");
      // times are shifted to the present: about 20 minutes left of 1h
      assertMatch(
        r.stdout,
        /podclique\/llama-disagg-0-prefill {2}\[#+\.+\] (19m\d+s|20m) left of 1h/,
      );
      assertStringIncludes(r.stdout, "CrashLoopBackOff");
      assertEquals(sim.requestLog.count((e) => e.path.startsWith("/api")), 6);
      const j = await runCli(["health", "llama-disagg", "-o", "json"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(j.code, 3);
      const rep = JSON.parse(j.stdout) as HealthReport;
      assertEquals([rep.kind, rep.healthy, rep.summary.unhealthy], ["HealthReport", false, 2]);
    } finally {
      await sim.stop();
    }
    // the same six lists on the large scenario (60 PCS, 2,500 pods), whatever the size
    const large = await startSimCluster({ scenario: "large" });
    try {
      large.requestLog.reset();
      const r = await runCli(["health", "--all", "-A", "-o", "json"], {
        env: { KUBECONFIG: large.kubeconfigPath },
      });
      assertEquals(r.code, 3, r.stderr);
      assertEquals((JSON.parse(r.stdout) as HealthReport).summary.gangs, 100);
      assertEquals(large.requestLog.count((e) => e.path.startsWith("/api")), 6);
    } finally {
      await large.stop();
    }
  },
);

Deno.test(
  "e2e health: usage and not-found errors, exit codes documented in --help",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      // without a name, like status: every PodCliqueSet of the namespace
      const none = await runCli(["health"], { env });
      const all = await runCli(["health", "--all"], { env });
      assertEquals([none.code, none.stdout], [all.code, all.stdout]);
      assertStringIncludes(none.stdout, "qwen-disagg");
      const both = await runCli(["health", "x", "--all"], { env });
      assertEquals(both.code, 2);
      const missing = await runCli(["health", "nope"], { env });
      assertEquals(missing.code, 1);
      assertStringIncludes(
        missing.stderr,
        'podcliqueset "nope" not found in namespace "inference"',
      );
      assertStringIncludes(missing.stderr, "hint: PodCliqueSets here: qwen-disagg, sglang-chat");
      const typo = await runCli(["health", "sglang-caht"], { env });
      assertEquals(typo.code, 1);
      assertStringIncludes(typo.stderr, "hint: did you mean: sglang-chat?");
      const elsewhere = await runCli(["health", "sglang-chat", "-n", "default"], { env });
      assertEquals(elsewhere.code, 1);
      assertStringIncludes(elsewhere.stderr, "the namespace has no PodCliqueSets");
      assertStringIncludes(
        elsewhere.stderr,
        'it exists in namespace "inference": add -n inference',
      );
      const empty = await runCli(["health", "--all", "-n", "default"], { env });
      assertEquals(empty.code, 0, empty.stderr);
      assertStringIncludes(
        // notes wrap at 80 columns
        empty.stdout.replace(/\n +/g, " "),
        'Note: no PodCliqueSets found in namespace "default" (look in every namespace with -A)',
      );
      const help = await runCli(["health", "--help"], { env });
      assertEquals(help.code, 0);
      assertStringIncludes(
        help.stdout,
        "Exit codes: 0 every gang Healthy; 3 a gang is Degraded or UNHEALTHY",
      );
      assertStringIncludes(help.stdout, "default 4h");
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e health --watch: the countdown ticks without requests; an API change refreshes",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    const ac = new AbortController();
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      let clock = Date.now();
      const reports: HealthReport[] = [];
      let before = 0;
      let changed = false;
      for await (
        const r of watchHealth(kube, { namespace: "inference", pcs: "llama-disagg" }, {
          signal: ac.signal,
          tickMs: 30,
          debounceMs: 10,
          now: () => (clock += 1000),
        })
      ) {
        reports.push(r);
        if (reports.length === 2) {
          // watches are open now; ticks from here on must not issue requests
          await new Promise((res) => setTimeout(res, 50));
          before = sim.requestLog.count((e) => !e.query.includes("watch"));
        }
        if (reports.length === 6 && !changed) {
          assertEquals(sim.requestLog.count((e) => !e.query.includes("watch")), before);
          // the crash-looping pod recovers: the watch delivers the change
          const pcl = sim.store.get(Resources.podcliques, "inference", "llama-disagg-0-prefill")!;
          sim.store.put({
            ...pcl,
            status: { ...pcl.status, conditions: [] },
          });
          changed = true;
        }
        if (
          changed && r.gangs[0].countdowns.every((c) => c.name !== "llama-disagg-0-prefill")
        ) break;
        if (reports.length > 200) throw new Error("no refresh after the API change");
      }
      const first = reports[0].gangs[0].countdowns[0].remainingMs;
      const fourth = reports[3].gangs[0].countdowns[0].remainingMs;
      assertEquals(first - fourth, 3000, "one second less per tick");
      assert(changed);
    } finally {
      ac.abort();
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e health: forbidden events still give a report, with a note on what is missing",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "fragmented",
      onRequest: (_req, info) =>
        info.url.pathname.endsWith("/events")
          ? new Response(
            JSON.stringify({
              kind: "Status",
              apiVersion: "v1",
              metadata: {},
              status: "Failure",
              reason: "Forbidden",
              code: 403,
              message: 'events is forbidden: User "dev" cannot list resource "events"',
            }),
            { status: 403, headers: { "content-type": "application/json" } },
          )
          : undefined,
    });
    try {
      const r = await runCli(["health", "--all", "-A"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 3, r.stderr);
      assertStringIncludes(r.stdout, "Note: events: cannot list events");
      assertStringIncludes(r.stdout, "Pending: Unschedulable:");
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e health: a forbidden PodClique list names the verb, the resource and the check",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "fragmented",
      onRequest: (_req, info) =>
        info.url.pathname.endsWith("/podcliques")
          ? new Response(
            JSON.stringify({
              kind: "Status",
              apiVersion: "v1",
              metadata: {},
              status: "Failure",
              reason: "Forbidden",
              code: 403,
              message:
                'podcliques.grove.io is forbidden: User "dev" cannot list resource "podcliques"',
            }),
            { status: 403, headers: { "content-type": "application/json" } },
          )
          : undefined,
    });
    try {
      const r = await runCli(["health", "llama-disagg"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 1);
      assertEquals(r.stdout, "");
      assertStringIncludes(
        r.stderr,
        'error: forbidden: cannot list podcliques.grove.io in namespace "inference"',
      );
      assertStringIncludes(r.stderr, "kubectl auth can-i list podcliques.grove.io -n inference");
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e health: a cluster without Grove asks whether the operator is installed",
  opts,
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(`${dir}/resources`);
      await Deno.writeTextFile(
        `${dir}/meta.json`,
        JSON.stringify({
          recordedAt: "2026-11-01T12:00:00Z",
          namespace: "inference",
          groveInstalled: false,
        }),
      );
      const sim = await startSimCluster({ scenario: dir });
      try {
        for (const args of [["health", "qwen"], ["health", "--all", "-A"]]) {
          const r = await runCli(args, { env: { KUBECONFIG: sim.kubeconfigPath } });
          assertEquals(r.code, 1, args.join(" "));
          assertStringIncludes(r.stderr, "is the Grove operator installed?");
          assertStringIncludes(
            r.stderr,
            "hint: check with: kubectl get crd podcliquesets.grove.io",
          );
          assert(!r.stderr.includes("internal error"));
        }
      } finally {
        await sim.stop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

/** Runs the CLI as a process, waits until stdout matches, sends SIGINT, returns what it printed. */
async function interruptAfter(args: string[], kubeconfig: string, ready: (out: string) => boolean) {
  const child = spawnCli(["--kubeconfig", kubeconfig, ...args]);
  await child.waitFor((out) => ready(out), "the expected output");
  child.kill("SIGINT");
  const r = await child.finished();
  return { code: r.code, out: r.stdout, err: r.stderr, run: r };
}

Deno.test(
  "e2e health/topology --watch CLI: Ctrl-C stops cleanly; health keeps exit code 3 while unhealthy",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    try {
      // on a pipe the countdown is printed again only when its text changes (once a second)
      const h = await interruptAfter(
        ["health", "llama-disagg", "--watch"],
        sim.kubeconfigPath,
        (o) => o.split("Summary:").length >= 3,
      );
      assertEquals(h.code, 3, describeRun(h.run));
      assertEquals(h.err, "");
      assert(!h.out.includes("\x1b[2J"), "no screen clearing on a pipe");
      const t = await interruptAfter(
        ["topology", "llama-disagg", "--watch", "-o", "json"],
        sim.kubeconfigPath,
        (o) => o.includes("\n"),
      );
      assertEquals(t.code, 0, describeRun(t.run));
      assertEquals(t.err, "");
      const docs = t.out.trim().split("\n").map((l) => JSON.parse(l));
      assert(docs.length >= 1 && docs.every((d) => d.kind === "TopologyReport"));
    } finally {
      await sim.stop();
    }
  },
);
