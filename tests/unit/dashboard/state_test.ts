// The dashboard's pure parts: overview rows, pod and event rows from the
// fragmented scenario; action request checks and CLI equivalents; token
// checks; SSE framing; the committed asset bundle matches dashboard/ui/.
import { assert, assertEquals, assertThrows } from "../../helpers/assert.ts";
import { scenarioSnapshot, SCOPE } from "../tui/helpers.ts";
import { buildDashboardState, eventRows, podRows } from "../../../tasks/dashboard/state.ts";
import { cliCommand, parseActionRequest } from "../../../tasks/dashboard/actions.ts";
import { checkToken, newToken, tokenFromRequest } from "../../../tasks/dashboard/token.ts";
import { sseFrame } from "../../../tasks/dashboard/hub.ts";
import { isLoopback } from "../../../tasks/dashboard/server.ts";
import { UsageError } from "../../../lib/errors.ts";

const CLUSTER = { context: "sim", server: "https://127.0.0.1:6443" };

Deno.test("dashboard state: the fragmented set's row (score, breaches soonest first, GPUs)", async () => {
  const { snapshot, now } = await scenarioSnapshot("fragmented");
  const s = buildDashboardState(snapshot, { scope: SCOPE, cluster: CLUSTER, readOnly: true, now });
  assertEquals(s.kind, "DashboardState");
  assertEquals(s.errors, {});
  assertEquals(s.readOnly, true);
  assertEquals(s.overview.length, 1);
  const r = s.overview[0];
  assertEquals([r.namespace, r.name, r.state], ["inference", "llama-disagg", "Unhealthy"]);
  assertEquals(r.minPlacementScore, 0.62);
  assertEquals(r.pods, { ready: 5, desired: 9 });
  assertEquals(r.breaches.map((b) => b.name), [
    "llama-disagg-0-prefill",
    "llama-disagg-0-decode-1-dleader",
    "llama-disagg-0-decode-1-dworker",
  ]);
  assert(r.breaches.every((b, i, a) => i === 0 || a[i - 1].remainingMs <= b.remainingMs));
  assertEquals(
    r.breaches[0].deadline,
    new Date(now + r.breaches[0].remainingMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
  );
  assertEquals(r.gpus, 44);
  assertEquals([r.paused, r.updating, r.strategy], [false, false, "RollingRecreate"]);
  assertEquals(r.gangsAtRisk, 2);
  assert(r.issues >= 3, `issues ${r.issues}`);
});

Deno.test("dashboard state: pod rows by clique with crash-loop phase and previous logs", async () => {
  const { snapshot } = await scenarioSnapshot("fragmented");
  const pods = podRows(snapshot.byKind.pods ?? [], "inference", "llama-disagg");
  assertEquals(pods.length, 9);
  assertEquals(pods.map((p) => p.clique), [...pods.map((p) => p.clique)].sort());
  const crash = pods.find((p) => p.phase === "CrashLoopBackOff")!;
  assertEquals([crash.ready, crash.restarts > 0, crash.hasPrevious], [false, true, true]);
  const pending = pods.filter((p) => p.node === null);
  assertEquals(pending.length, 3);
  assertEquals(podRows(snapshot.byKind.pods ?? [], "other", "llama-disagg"), []);
});

Deno.test("dashboard state: events of a set, Warning first then newest", () => {
  const ev = (type: string, name: string, last: string) => ({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${name}.${last}`, namespace: "ns" },
    type,
    reason: "R",
    message: "m",
    involvedObject: { kind: "Pod", name },
    lastTimestamp: last,
  });
  const rows = eventRows([
    ev("Normal", "llm-0-a", "2026-01-01T00:00:03Z"),
    ev("Warning", "llm-0-b", "2026-01-01T00:00:01Z"),
    ev("Warning", "other-0", "2026-01-01T00:00:09Z"),
    ev("Warning", "llm-0-c", "2026-01-01T00:00:02Z"),
  ], "llm");
  assertEquals(rows.map((r) => `${r.type} ${r.object}`), [
    "Warning pod/llm-0-c",
    "Warning pod/llm-0-b",
    "Normal pod/llm-0-a",
  ]);
});

Deno.test("dashboard actions: requests are checked field by field", () => {
  assertEquals(
    parseActionRequest({ action: "undo", namespace: "inference", name: "llm", revision: 2 }),
    { action: "undo", namespace: "inference", name: "llm", dryRun: false, revision: 2 },
  );
  const bad: [unknown, RegExp][] = [
    [null, /JSON object/],
    [{ action: "delete", namespace: "a", name: "b" }, /unknown action "delete"/],
    [{ action: "pause", namespace: "A B", name: "b" }, /"namespace" must be/],
    [{ action: "pause", namespace: "a" }, /"name" must be/],
    [{ action: "pause", namespace: "a", name: "b", dryRun: "yes" }, /"dryRun"/],
    [{ action: "undo", namespace: "a", name: "b", revision: 0 }, /"revision"/],
    [{ action: "restart", namespace: "a", name: "b", role: "x/y" }, /"role"/],
  ];
  for (const [body, re] of bad) {
    const e = assertThrows(() => parseActionRequest(body), UsageError);
    assert(re.test(e.message), `${e.message} !~ ${re}`);
  }
});

Deno.test("dashboard actions: the CLI command of each action", () => {
  const base = { namespace: "inference", name: "llm", dryRun: true };
  assertEquals(
    cliCommand({ ...base, action: "pause" }),
    "kubectl grove rollout pause llm -n inference --dry-run",
  );
  assertEquals(
    cliCommand({ ...base, action: "undo", revision: 3, dryRun: false }),
    "kubectl grove rollout undo llm --to-revision 3 -n inference",
  );
  assertEquals(
    cliCommand({ ...base, action: "restart", role: "decode" }),
    "kubectl grove restart llm --role decode -n inference --dry-run",
  );
  assertEquals(
    cliCommand({ ...base, action: "promote" }),
    "kubectl grove rollout promote llm -n inference",
  );
});

Deno.test("dashboard token: random, compared exactly, from header, cookie or query", () => {
  const t = newToken();
  assertEquals(t.length, 64);
  assert(t !== newToken());
  assert(checkToken(t, t));
  assert(!checkToken(t.slice(0, 63) + (t[63] === "0" ? "1" : "0"), t));
  assert(!checkToken(undefined, t));
  assert(!checkToken("", t));
  const get = (init: RequestInit, q = "") => {
    const req = new Request(`http://127.0.0.1:3300/${q}`, init);
    return tokenFromRequest(req, new URL(req.url));
  };
  assertEquals(get({ headers: { authorization: "Bearer abc" } }), "abc");
  assertEquals(get({ headers: { cookie: "x=1; grove_dashboard=def" } }), "def");
  assertEquals(get({}, "?token=ghi"), "ghi");
  assertEquals(get({}), undefined);
});

Deno.test("dashboard: SSE frames and loopback addresses", () => {
  assertEquals(sseFrame("state", '{"a":1}', 7), 'id: 7\nevent: state\ndata: {"a":1}\n\n');
  assertEquals(sseFrame("x", "a\nb"), "event: x\ndata: a\ndata: b\n\n");
  for (const a of ["127.0.0.1", "127.1.2.3", "localhost", "::1"]) assert(isLoopback(a), a);
  for (const a of ["0.0.0.0", "10.0.0.1", "::", "example.com"]) assert(!isLoopback(a), a);
});

Deno.test("dashboard cli: bad --port and --address are usage errors (exit 2)", async () => {
  const { runCli } = await import("../../helpers/cli.ts");
  for (
    const [args, re] of [
      [["--port", "70000"], /argument '70000' is invalid\. must be a port number/],
      [["--port", "http"], /argument 'http' is invalid/],
      [["--address", "example.com"], /must be an IP address of this machine/],
    ] as const
  ) {
    const r = await runCli(["dashboard", ...args]);
    assertEquals(r.code, 2, r.stderr);
    assert(re.test(r.stderr), r.stderr);
  }
});

Deno.test("dashboard state: a rollout in progress shows its progress and roles", async () => {
  const { snapshot, now } = await scenarioSnapshot("rollout");
  const s = buildDashboardState(snapshot, { scope: SCOPE, cluster: CLUSTER, readOnly: false, now });
  const r = s.overview.find((x) => x.name === "chat-disagg")!;
  assertEquals([r.updating, r.paused], [true, false]);
  assertEquals(r.rollout, { updatedReady: 3, desired: 7 });
  assertEquals(r.roles, ["decode-leader", "decode-worker", "frontend", "prefill"]);
  assertEquals(s.rollouts?.map((x) => x.name), ["chat-disagg"]);
  assertEquals(s.progressive, {});
  assertEquals(s.healthSummary?.podCliqueSets, 1);
});
