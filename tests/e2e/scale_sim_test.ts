// End to end: `scale` against the simulated cluster with the operator
// simulation: each path (standalone clique, scaling group, set replicas,
// proportional), waiting for the new pods, and every bad input.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { connect } from "../../lib/kube/connect.ts";
import { GroveError } from "../../lib/errors.ts";
import { scale } from "../../tasks/scale/run.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const NS = "inference";
const FAST = ["--interval", "20ms", "--timeout", "20s"];

async function sim(scenario: string, operator = true) {
  const s = await startSimCluster({
    scenario,
    operator: operator ? simOperator({ stepMs: 20, readyDelayMs: 40 }) : undefined,
  });
  return { s, env: { KUBECONFIG: s.kubeconfigPath } };
}

const replicas = (s: Awaited<ReturnType<typeof startSimCluster>>, kind: string, name: string) =>
  s.store.get(kind, NS, name)?.spec?.replicas;

Deno.test(
  "e2e scale: standalone clique via PodClique /scale + template, waits for the new pod",
  opts,
  async () => {
    const { s, env } = await sim("healthy");
    try {
      const r = await runCli(["scale", "qwen-disagg", "--prefill=3", "--yes", ...FAST], { env });
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stdout, "qwen-disagg-0-prefill +1 pod: fits in zone us-east-1a");
      assertStringIncludes(r.stdout, "podcliqueset/qwen-disagg scaled: prefill 2 -> 3");
      assertMatch(r.stdout, /template recorded as revision \d+/);
      assertMatch(
        r.stdout,
        /qwen-disagg-0-prefill-\S+: ready on gpu-\S+ \(zone us-east-1a, rack rack-\S+\)/,
      );
      assertMatch(r.stderr, /1\/1 new pods ready/);
      assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 3);
      const pcs = s.store.get("podcliquesets", NS, "qwen-disagg")!;
      assertEquals(
        pcs.spec.template.cliques.find((c: { name: string }) => c.name === "prefill").spec.replicas,
        3,
      );
      const pods = s.store.list("pods", NS).filter((p) =>
        p.metadata.labels?.["grove.io/podclique"] === "qwen-disagg-0-prefill"
      );
      assertEquals(pods.length, 3);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: scaling group via PCSG /scale; scale-down removes the group replica",
  opts,
  async () => {
    const { s, env } = await sim("healthy");
    try {
      const up = await runCli(["scale", "qwen-disagg", "--decode", "3", "--yes", ...FAST], { env });
      assertEquals(up.code, 0, up.stderr);
      assertEquals(replicas(s, "podcliquescalinggroups", "qwen-disagg-0-decode"), 3);
      assertMatch(up.stderr, /2\/2 new pods ready/);
      const down = await runCli(["scale", "qwen-disagg", "--role", "decode=1", "--yes", ...FAST], {
        env,
      });
      assertEquals(down.code, 0, down.stderr);
      assertEquals(replicas(s, "podcliquescalinggroups", "qwen-disagg-0-decode"), 1);
      const left = s.store.list("pods", NS).filter((p) =>
        p.metadata.name.startsWith("qwen-disagg-0-decode-")
      );
      assert(
        left.every((p) => p.metadata.name.startsWith("qwen-disagg-0-decode-0-")),
        left.map((p) => p.metadata.name).join(),
      );
      // the template is not touched for a group
      const pcs = s.store.get("podcliquesets", NS, "qwen-disagg")!;
      assertEquals(pcs.spec.template.podCliqueScalingGroups[0].replicas, 2);
    } finally {
      await s.stop();
    }
  },
);

Deno.test("e2e scale: --set-replicas via PCS /scale creates a new replica", opts, async () => {
  const { s, env } = await sim("healthy");
  try {
    const r = await runCli(["scale", "sglang-chat", "--set-replicas=2", "--yes", ...FAST], { env });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(replicas(s, "podcliquesets", "sglang-chat"), 2);
    assert(s.store.get("podcliques", NS, "sglang-chat-1-worker"), "replica 1 clique created");
    assertMatch(r.stdout, /sglang-chat-1-worker-\S+: ready on/);
  } finally {
    await s.stop();
  }
});

Deno.test("e2e scale: --replicas proportional, -o json report", opts, async () => {
  const { s, env } = await sim("healthy");
  try {
    const r = await runCli(
      ["scale", "qwen-disagg", "--replicas=5", "--yes", "-o", "json", ...FAST],
      { env },
    );
    assertEquals(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assertEquals(j.kind, "ScaleResult");
    assertEquals(j.outcome, "applied");
    assertEquals(j.plan.changes.map((c: { role: string; target: number }) => [c.role, c.target]), [[
      "prefill",
      3,
    ], ["decode", 2]]);
    assertMatch(j.plan.rounding.summary, /largest remainder/);
    assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 3);
    assertEquals(replicas(s, "podcliquescalinggroups", "qwen-disagg-0-decode"), 2);
  } finally {
    await s.stop();
  }
});

Deno.test(
  "e2e scale: --dry-run validates on the server and changes nothing; --wait=false returns at once",
  opts,
  async () => {
    const { s, env } = await sim("healthy", false);
    try {
      const before = s.requestLog.entries?.length;
      void before;
      const dry = await runCli(["scale", "qwen-disagg", "--prefill=3", "--dry-run"], { env });
      assertEquals(dry.code, 0, dry.stderr);
      assertStringIncludes(dry.stdout, "dry run: the server accepted 2 writes; nothing changed");
      assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 2);
      const nowait = await runCli(
        ["scale", "qwen-disagg", "--prefill=3", "--yes", "--wait=false"],
        { env },
      );
      assertEquals(nowait.code, 0, nowait.stderr);
      assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 3);
      // no operator: the new pod never comes -> exit 4 after the timeout
      const t = await runCli([
        "scale",
        "qwen-disagg",
        "--prefill=4",
        "--yes",
        "--timeout",
        "300ms",
        "--interval",
        "50ms",
      ], { env });
      assertEquals(t.code, 4, t.stderr);
      assertMatch(t.stderr, /after 0s 0\/1 new pods ready/);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: confirmation: refused without a terminal, declined on one",
  opts,
  async () => {
    const { s, env } = await sim("healthy", false);
    try {
      const noTty = await runCli(["scale", "qwen-disagg", "--prefill=3"], { env });
      assertEquals(noTty.code, 2);
      assertMatch(noTty.stderr, /pass --yes/);
      const no = await runCli(["scale", "qwen-disagg", "--prefill=3"], { env, answers: ["n"] });
      assertEquals(no.code, 0);
      assertStringIncludes(no.stderr, "Proceed? [y/N]");
      assertStringIncludes(no.stderr, "cancelled; nothing was changed");
      assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 2);
    } finally {
      await s.stop();
    }
  },
);

Deno.test("e2e scale: bad input gets clear errors and changes nothing", opts, async () => {
  const { s, env } = await sim("fragmented", false);
  try {
    const cases: [string[], number, RegExp][] = [
      [["--prefill=-1"], 2, /--prefill: expected a whole number >= 0, got "-1"/],
      [["--prefill=two"], 2, /--prefill: expected a whole number/],
      [["--replicas=1.5"], 2, /expected a whole number >= 0, got "1.5"/],
      [["--nope=2"], 2, /unknown role "nope".*\nhint: known roles: frontend, prefill, decode/],
      [["--dleader=2"], 2, /clique dleader inside scaling group "decode"[^]*--decode=N/],
      [["--prefill=1"], 1, /below minAvailable 2[^]*--force/],
      [
        ["--prefill=4"],
        1,
        /no capacity for llama-disagg-0-prefill \+1 pod: 1 pod x 4 GPUs need 4 GPUs on one node; the largest free block in the gang's zone us-east-1a is 3 GPUs/,
      ],
    ];
    for (const [args, code, re] of cases) {
      const r = await runCli(["scale", "llama-disagg", ...args, "--yes"], { env });
      assertEquals(r.code, code, `${args}: ${r.stderr}`);
      assertMatch(r.stderr, re);
      assert(!r.stderr.includes("    at "), "no stack trace");
    }
    const missing = await runCli(["scale", "nope", "--prefill=1", "--yes"], { env });
    assertEquals(missing.code, 1);
    assertMatch(missing.stderr, /podcliqueset "nope" not found in namespace "inference"/);
    assertEquals(replicas(s, "podcliques", "llama-disagg-0-prefill"), 3);
  } finally {
    await s.stop();
  }
});

Deno.test(
  "e2e scale: forbidden /scale on a read-only context is reported, nothing written",
  opts,
  async () => {
    const { s, env } = await sim("healthy", false);
    try {
      const r = await runCli([
        "--context",
        "sim-readonly",
        "scale",
        "qwen-disagg",
        "--prefill=3",
        "--yes",
      ], { env });
      assertEquals(r.code, 1, r.stderr);
      assertMatch(r.stderr, /forbidden|Forbidden/);
      assertMatch(r.stderr, /podcliques/);
      assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 2);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: a concurrent change (409) is reported and nothing is half-applied",
  opts,
  async () => {
    const { s } = await sim("aggregated", false);
    try {
      const kube = await connect({ kubeconfig: s.kubeconfigPath });
      const err = await assertRejects(
        () =>
          scale(kube, {
            name: "qwen-agg",
            namespace: NS,
            roles: [{ role: "worker", replicas: 4 }],
            wait: false,
            confirm: () => {
              // someone else scales replica 1's worker while we ask
              const q = structuredClone(s.store.get("podcliques", NS, "qwen-agg-1-worker")!);
              q.spec.replicas = 5;
              delete q.metadata.resourceVersion;
              s.store.replace("podcliques", q);
              return Promise.resolve(true);
            },
          }),
        GroveError,
      );
      assertMatch(
        err.message,
        /PodClique qwen-agg-1-worker changed since the preview \(replicas is 5 now, the preview was made at 3\); nothing was scaled/,
      );
      assertEquals(replicas(s, "podcliques", "qwen-agg-0-worker"), 3, "replica 0 untouched");
      const pcs = s.store.get("podcliquesets", NS, "qwen-agg")!;
      assertEquals(
        pcs.spec.template.cliques.find((c: { name: string }) => c.name === "worker").spec.replicas,
        3,
      );
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: --drain-timeout shows running requests on the pods that go, then scales",
  opts,
  async () => {
    const { s, env } = await sim("healthy");
    try {
      const r = await runCli([
        "scale",
        "qwen-disagg",
        "--decode=1",
        "--drain-timeout=200ms",
        "--yes",
        ...FAST,
      ], { env });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stderr, /drain: \d+ running requests? on \d+ of \d+ pods that go/);
      assertEquals(replicas(s, "podcliquescalinggroups", "qwen-disagg-0-decode"), 1);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: a write failing part way says what was done and how to finish or revert",
  opts,
  async () => {
    const { s } = await sim("aggregated", false);
    try {
      const real = await connect({ kubeconfig: s.kubeconfigPath });
      const { ApiError } = await import("../../lib/errors.ts");
      // the PCS template PUT fails for real (not in dry-run): the PodClique writes before it went through
      const kube = new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === "replace") {
            return (r: unknown, obj: unknown, o?: { dryRun?: boolean }) => {
              if (!o?.dryRun) {
                return Promise.reject(
                  new ApiError({
                    status: 500,
                    reason: "InternalError",
                    verb: "update",
                    resource: "podcliquesets.grove.io",
                    name: "qwen-agg",
                  }),
                );
              }
              // deno-lint-ignore no-explicit-any
              return (target.replace as any).call(target, r, obj, o);
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const err = await assertRejects(
        () =>
          scale(kube, {
            name: "qwen-agg",
            namespace: NS,
            roles: [{ role: "worker", replicas: 4 }],
            wait: false,
          }),
        GroveError,
      );
      assertMatch(err.message, /stopped part way/);
      assertMatch(
        err.message,
        /done: PodClique qwen-agg-0-worker \/scale 3 -> 4; PodClique qwen-agg-1-worker \/scale 3 -> 4/,
      );
      assertMatch(
        err.message,
        /not done: PodCliqueSet qwen-agg spec\.template\.cliques\[1\]\.spec\.replicas 3 -> 4/,
      );
      assertMatch(err.hint!, /to finish, run again .*--role worker=4; to revert .*--role worker=3/);
      assertEquals(replicas(s, "podcliques", "qwen-agg-0-worker"), 4);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: the preview and server dry-run take a constant number of requests",
  opts,
  async () => {
    const { s } = await sim("healthy", false);
    try {
      const kube = await connect({ kubeconfig: s.kubeconfigPath });
      const r = await scale(kube, {
        name: "qwen-disagg",
        namespace: NS,
        roles: [{ role: "prefill", replicas: 3 }, { role: "decode", replicas: 3 }],
        dryRun: true,
      });
      assertEquals(r.outcome, "dry-run");
      // 1 get + 9 lists (cliques, groups, gangs, pods, nodes, 2 topology kinds, 2 DRA kinds)
      // + 1 dry-run per write
      assertEquals(r.plan.writes.length, 3);
      assertEquals(kube.requests.length, 10 + 3);
      assert(kube.requests.slice(10).every((q) => q.path.includes("dryRun=All")));
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale --force with no room: the pods that fit start, the rest are named with the scheduler's reason (exit 4); revisions bounded",
  opts,
  async () => {
    const { s, env } = await sim("healthy");
    try {
      const cfg = { ...env, KUBECTL_GROVE_ROLLOUT_HISTORY_LIMIT: "2" };
      // The gang must stay in zone us-east-1a (required pack), which has
      // room for one more 4-GPU pod: the second new pod cannot start.
      const r = await runCli([
        "scale",
        "qwen-disagg",
        "--prefill=4",
        "--yes",
        "--force",
        "--interval",
        "20ms",
        "--timeout",
        "2s",
      ], { env: cfg });
      assertEquals(r.code, 4, r.stderr);
      assertStringIncludes(
        r.stdout,
        "needs --force: no capacity for qwen-disagg-0-prefill +2 pods",
      );
      assertMatch(r.stderr, /^1\/2 new pods ready, 1 scheduled$/m);
      assertMatch(r.stderr, /^pod qwen-disagg-0-prefill-\S+ ready on gpu-a1-04 \(zone us-east-1a/m);
      const why =
        "0/14 nodes are available: insufficient nvidia.com/gpu (needs 4) in topology.kubernetes.io/zone=us-east-1a (the gang's required pack domain).";
      assertStringIncludes(r.stderr, `pending: ${why}\n`);
      assertMatch(
        r.stderr,
        /error: scaled podcliqueset "qwen-disagg", but after 2s 1\/2 new pods ready, 1 scheduled: waiting for qwen-disagg-0-prefill-\S+ \(not scheduled: 0\/14 nodes/,
      );
      assertEquals(replicas(s, "podcliques", "qwen-disagg-0-prefill"), 4);
      for (const n of [3, 2]) {
        const d = await runCli(["scale", "qwen-disagg", `--prefill=${n}`, "--yes", ...FAST], {
          env: cfg,
        });
        assertEquals(d.code, 0, d.stderr);
      }
      const h = JSON.parse(
        (await runCli(["rollout", "history", "qwen-disagg", "-o", "json"], { env: cfg })).stdout,
      );
      assertEquals(h.entries.length, 2, "rollout.history_limit applies to scale's revisions");
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e scale: --replicas=16 preview is summarised per role, fits 80 columns, never shows negative free GPUs",
  opts,
  async () => {
    const { s, env } = await sim("healthy", false);
    try {
      const r = await runCli(["scale", "qwen-disagg", "-n", NS, "--replicas=16", "--dry-run"], {
        env,
      });
      assertEquals(r.code, 1, r.stdout);
      assertStringIncludes(r.stdout, "32 free on schedulable nodes now, short by 88 after");
      assert(!/-\d+ after/.test(r.stdout), r.stdout);
      // six decode group replicas that cannot fit are one line, not six
      assertStringIncludes(r.stdout, "qwen-disagg-0-decode group replicas 3-7 (x5)");
      const lines = r.stdout.trimEnd().split("\n");
      assert(lines.length < 45, `${lines.length} lines`);
      assert(lines.every((l) => l.length <= 80), r.stdout);
    } finally {
      await s.stop();
    }
  },
);
