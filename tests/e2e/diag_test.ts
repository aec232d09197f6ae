/** diag end to end on the simulated cluster: contents, secrets, modes, partial bundles, archive, replay. */
import { describeRun, runCliProcess } from "../helpers/spawn.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const PLANTED = {
  secretData: "cGxhbnRlZC1zZWNyZXQtZGF0YQ==",
  envPassword: "planted-env-password-4711",
  logToken: "plantedlogtoken0123456789abcdef",
  lastApplied: "planted-last-applied-token",
};

/** The fragmented scenario plus planted secrets, in a temp dir. */
async function plantedScenario(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await new Deno.Command("cp", { args: ["-r", `${FIXTURES}fragmented/.`, dir] }).output();
  await Deno.writeTextFile(
    `${dir}/resources/secrets.yaml`,
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: hf-token\n  namespace: inference\ntype: Opaque\ndata:\n  token: ${PLANTED.secretData}\n`,
  );
  const pods = await Deno.readTextFile(`${dir}/resources/pods.yaml`);
  await Deno.writeTextFile(
    `${dir}/resources/pods.yaml`,
    pods.replace(
      /( *)- name: GROVE_PCS_NAME\n/,
      (_m, ind) =>
        `${ind}- name: DB_PASSWORD\n${ind}  value: ${PLANTED.envPassword}\n${ind}- name: HF_TOKEN\n${ind}  valueFrom:\n${ind}    secretKeyRef:\n${ind}      name: hf-token\n${ind}      key: token\n${ind}- name: GROVE_PCS_NAME\n`,
    ).replace(
      /metadata:\n( *)name: /,
      (_m, ind) =>
        `metadata:\n${ind}annotations:\n${ind}  kubectl.kubernetes.io/last-applied-configuration: '{"token":"${PLANTED.lastApplied}"}'\n${ind}name: `,
    ),
  );
  for await (const e of Deno.readDir(`${dir}/logs/grove-system`)) {
    const log = `${dir}/logs/grove-system/${e.name}/grove-operator.log`;
    await Deno.writeTextFile(
      log,
      `{"level":"info","msg":"auth","authorization":"Bearer ${PLANTED.logToken}"}\n`,
      { append: true },
    );
  }
  return dir;
}

async function readAll(dir: string): Promise<string> {
  let all = "";
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    all += e.isDirectory ? await readAll(p) : await Deno.readTextFile(p);
  }
  return all;
}

async function modes(dir: string): Promise<{ path: string; mode: number; dir: boolean }[]> {
  const out = [{ path: dir, mode: (await Deno.stat(dir)).mode! & 0o777, dir: true }];
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await modes(p));
    else out.push({ path: p, mode: (await Deno.stat(p)).mode! & 0o777, dir: false });
  }
  return out;
}

Deno.test("diag: a complete bundle with no planted secret, private files, findings, constant requests", async () => {
  const scenario = await plantedScenario();
  const sim = await startSimCluster({ scenario });
  const out = await Deno.makeTempDir();
  try {
    sim.requestLog.reset();
    const r = await runCli(["diag", "-o", `${out}/b`], { env: { KUBECONFIG: sim.kubeconfigPath } });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout, `${out}/b\n`); // only the path on stdout
    assertMatch(r.stderr, /\[1\/4\] Grove resources/);
    const all = await readAll(`${out}/b`);
    for (const [what, value] of Object.entries(PLANTED)) {
      assert(!all.includes(value), `planted ${what} leaked into the bundle`);
    }
    assert(!/kind: Secret/.test(all), "a Secret object was collected");
    for (const m of await modes(`${out}/b`)) assertEquals(m.mode, m.dir ? 0o700 : 0o600, m.path);
    const summary = await Deno.readTextFile(`${out}/b/summary.md`);
    assertMatch(
      summary,
      /\*\*critical\*\*: clique inference\/llama-disagg-0-prefill: MinAvailableBreached since .*gang termination in/,
    );
    assertMatch(summary, /CrashLoopBackOff, \d+ restarts/);
    assertMatch(summary, /low PlacementScore 0\.\d\d/);
    assertMatch(summary, /## Collection \(complete\)/);
    for (
      const f of [
        "meta.json",
        "resources/podcliquesets.yaml",
        "resources/pods.yaml",
        "resources/nodes.yaml",
        "tables/pods.txt",
        "tables/events.txt",
      ]
    ) {
      await Deno.stat(`${out}/b/${f}`);
    }
    const events = await Deno.readTextFile(`${out}/b/tables/events.txt`);
    assertMatch(events.split("\n")[1], /Warning/); // warnings first
    // one list per kind + operator pods + one log per operator container
    assert(sim.requestLog.length <= 12, `requests: ${sim.requestLog.length}`);
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
    await Deno.remove(scenario, { recursive: true });
  }
});

Deno.test("diag: an existing output path is never overwritten (exit 1, hint)", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  const out = await Deno.makeTempDir();
  try {
    const r = await runCli(["diag", "-o", out], { env: { KUBECONFIG: sim.kubeconfigPath } });
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /already exists; diag never overwrites/);
    assertEquals([...Deno.readDirSync(out)].length, 0);
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag: forbidden logs make a partial bundle (exit 5) that says what failed", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  const out = await Deno.makeTempDir();
  try {
    const r = await runCli(["--context", "sim-readonly", "diag", "-o", `${out}/b`], {
      env: { KUBECONFIG: sim.kubeconfigPath },
    });
    assertEquals(r.code, 5, r.stderr);
    assertMatch(r.stderr, /PARTIAL/);
    const summary = await Deno.readTextFile(`${out}/b/summary.md`);
    assertMatch(summary, /collector\(s\) failed: the bundle is partial/);
    assertMatch(summary, /logs grove-system\/.* \| FAILED: 403/);
    await Deno.stat(`${out}/b/resources/pods.yaml`); // the rest was written
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag tells the truth: rejected credentials, an unreachable server and an unknown set write nothing; forbidden Grove lists are named", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  const out = await Deno.makeTempDir();
  try {
    const good = await Deno.readTextFile(sim.kubeconfigPath);
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${out}/${name}`, text);
      return `${out}/${name}`;
    };
    const expired = await write(
      "expired.yaml",
      good.replace(/token: \S+/g, "token: expired-token"),
    );
    const unreachable = await write(
      "unreachable.yaml",
      good.replace(/server: https:\/\/127\.0\.0\.1:\d+/g, "server: https://127.0.0.1:1"),
    );
    const cases: Array<[string, string[], RegExp]> = [
      [expired, [], /401 Unauthorized/],
      [unreachable, [], /127\.0\.0\.1:1/],
      [sim.kubeconfigPath, ["no-such-set"], /podcliqueset "no-such-set" not found|no-such-set/],
    ];
    for (const [kc, args, re] of cases) {
      const r = await runCli(["--kubeconfig", kc, "diag", ...args, "-o", `${out}/b`]);
      assertEquals(r.code, 1, `${kc} ${args}: ${r.stderr}`);
      assertMatch(r.stderr, re);
      assertEquals(
        await Deno.stat(`${out}/b`).catch(() => undefined),
        undefined,
        "nothing written",
      );
    }
    // listing the Grove kinds is forbidden: the summary says so, never "served" with no problems
    sim.faults.set({ errorRate: 1, errorStatuses: [403], pathPattern: /grove\.io/ });
    const f = await runCli(["diag", "-o", `${out}/f`], { env: { KUBECONFIG: sim.kubeconfigPath } });
    sim.faults.set({});
    assertEquals(f.code, 5, f.stderr);
    const summary = await Deno.readTextFile(`${out}/f/summary.md`);
    assertMatch(
      summary,
      /Grove API: served, but NOT readable with these credentials \(forbidden to list/,
    );
    assertMatch(summary, /the bundle is partial/);
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag --archive writes a private .tar.gz that tar can read", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  const out = await Deno.makeTempDir();
  try {
    const r = await runCli(["diag", "--archive", "-o", `${out}/incident`], {
      env: { KUBECONFIG: sim.kubeconfigPath },
    });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout.trim(), `${out}/incident.tar.gz`);
    assertEquals((await Deno.stat(`${out}/incident.tar.gz`)).mode! & 0o777, 0o600);
    const list = await new Deno.Command("tar", { args: ["-tzf", `${out}/incident.tar.gz`] })
      .output();
    const names = new TextDecoder().decode(list.stdout);
    assertStringIncludes(names, "incident/summary.md");
    assertStringIncludes(names, "incident/resources/podcliquesets.yaml");
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag: bad --since and --log-lines are usage errors", async () => {
  assertEquals((await runCli(["diag", "--since", "yesterday"])).code, 2);
  assertEquals((await runCli(["diag", "--log-lines", "0"])).code, 2);
});

Deno.test("diag then --replay: the bundle serves the same objects offline", async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const out = await Deno.makeTempDir();
  try {
    const r = await runCli(["diag", "-o", `${out}/b`], { env: { KUBECONFIG: sim.kubeconfigPath } });
    assertEquals(r.code, 0, r.stderr);
    // any command runs on the bundle through --replay and prints what the live cluster prints
    // ages and countdowns of any length (2h28m28s too): a second may pass between the two runs
    const normalise = (t: string) =>
      t.replace(/\b\d+[dhms](\d+[hms])*\b/g, "<t>").replace(
        /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g,
        "<time>",
      );
    for (
      const argv of [["status", "--all"], ["status", "llama-disagg"], ["health", "llama-disagg"], [
        "topology",
        "llama-disagg",
      ], ["topology", "--cluster"]]
    ) {
      const live = await runCli(argv, { env: { KUBECONFIG: sim.kubeconfigPath } });
      const replayed = await runCli(["--replay", `${out}/b`, ...argv]);
      assertEquals(replayed.code, live.code, replayed.stderr);
      assertEquals(normalise(replayed.stdout), normalise(live.stdout), argv.join(" "));
    }
    const replay = await startSimCluster({ scenario: `${out}/b` });
    try {
      for (const kind of ["podcliquesets", "podcliques", "podgangs", "pods", "nodes"]) {
        const live = sim.store.list(kind)
          .filter((o) => !["Succeeded", "Failed"].includes(o.status?.phase))
          .map((o) => o.metadata.name).sort();
        const replayed = replay.store.list(kind).map((o) => o.metadata.name).sort();
        assertEquals(replayed, live, kind);
      }
    } finally {
      await replay.stop();
    }
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag --archive then --replay of the .tar.gz and of a relative bundle path prints what the live cluster prints", async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const out = await Deno.makeTempDir();
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const a = await runCli(["diag", "--archive", "-o", `${out}/incident`], { env });
    assertEquals(a.code, 0, a.stderr);
    const d = await runCli(["diag", "-o", `${out}/dir`], { env });
    assertEquals(d.code, 0, d.stderr);
    // ages and countdowns of any length (2h28m28s too): a second may pass between the two runs
    const normalise = (t: string) =>
      t.replace(/\b\d+[dhms](\d+[hms])*\b/g, "<t>").replace(
        /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g,
        "<time>",
      );
    for (
      const argv of [["status", "--all"], ["health", "llama-disagg"], ["topology", "--cluster"]]
    ) {
      const live = await runCli(argv, { env });
      const fromArchive = await runCli(["--replay", `${out}/incident.tar.gz`, ...argv]);
      assertEquals(fromArchive.code, live.code, fromArchive.stderr);
      assertEquals(normalise(fromArchive.stdout), normalise(live.stdout), argv.join(" "));
    }
    // a relative path that looks like a scenario name is the bundle in the working directory
    const rel = await runCliProcess(["--replay", "dir", "status", "--all"], { cwd: out });
    const live = await runCli(["status", "--all"], { env });
    assertEquals(rel.code, 0, describeRun(rel));
    assertEquals(normalise(rel.stdout), normalise(live.stdout));
    // the unpacked archive is gone afterwards
    const left = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")].filter((e) =>
      e.name.startsWith("kubectl-grove-replay-")
    );
    assertEquals(left.length, 0, left.map((e) => e.name).join(", "));
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag: a missing parent directory is refused before anything is collected (exit 1, hint)", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  const out = await Deno.makeTempDir();
  try {
    for (const extra of [[], ["--archive"]]) {
      sim.requestLog.reset();
      const r = await runCli(["diag", "-o", `${out}/no/such/dir`, ...extra], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 1, r.stderr);
      assertMatch(r.stderr, /its parent directory .*\/no\/such does not exist/);
      assertMatch(r.stderr, /hint: create .*\/no\/such first/);
      assert(!/internal error/.test(r.stderr), r.stderr);
      assertEquals(sim.requestLog.length, 0);
    }
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag -n: pods once each, phase in the pod table, GPU use of other namespaces in the node table", async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const out = await Deno.makeTempDir();
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const r = await runCli(["-n", "inference", "diag", "-o", `${out}/b`], { env });
    assertEquals(r.code, 0, r.stderr);
    const names = [...(await Deno.readTextFile(`${out}/b/resources/pods.yaml`)).matchAll(
      /^kind: Pod\n(?:.*\n)*?^ {2}name: (.*)$/gm,
    )].map((m) => m[1]);
    assert(names.length > 0);
    assertEquals(names.length, new Set(names).size, "a pod is in resources/pods.yaml twice");
    const pods = await Deno.readTextFile(`${out}/b/tables/pods.txt`);
    assertMatch(pods.split("\n")[0], /^NAMESPACE\s+NAME\s+PHASE\s+STATUS\s+READY/);
    assertMatch(pods, /\sPending\s+Pending\s/);
    // the node table counts every pod on a node, like topology --cluster does
    const nodes = await Deno.readTextFile(`${out}/b/tables/nodes.txt`);
    const topo = JSON.parse(
      (await runCli(["topology", "--cluster", "-o", "json"], { env })).stdout,
    );
    const used = new Map<string, number>();
    JSON.stringify(topo, (_k, v) => {
      if (
        v && typeof v === "object" && typeof v.name === "string" && typeof v.allocated === "number"
      ) {
        used.set(v.name, v.allocated);
      }
      return v;
    });
    assert([...used.values()].some((n) => n > 0), "no GPU use in topology --cluster");
    let compared = 0;
    for (const line of nodes.split("\n").slice(1).filter(Boolean)) {
      const [name, , , cap, usedAlloc] = line.split(/\s{2,}/);
      assertMatch(cap, /^\d+$/);
      if (!used.has(name)) continue;
      assertEquals(Number(usedAlloc.split("/")[0]), used.get(name), name);
      compared++;
    }
    assertEquals(compared, used.size);
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("diag --metrics --since: one scrape per engine pod, step N of 5, events of the window only", async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  const out = await Deno.makeTempDir();
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const r = await runCli([
      "-n",
      "inference",
      "diag",
      "--metrics",
      "--since",
      "1s",
      "-o",
      `${out}/b`,
    ], {
      env,
    });
    // the crash-looping engine cannot be scraped: the bundle is partial and says so
    assertEquals(r.code, 5, r.stderr);
    assertEquals(r.stdout, `${out}/b\n`);
    for (let i = 1; i <= 5; i++) assertMatch(r.stderr, new RegExp(`\\[${i}/5\\] `));
    assertMatch(r.stderr, /\[4\/5\] engine metrics/);
    const summary = await Deno.readTextFile(`${out}/b/summary.md`);
    assertMatch(summary, /\| metrics inference\/llama-disagg-0-prefill-g77jp \| FAILED: 503/);
    assertMatch(summary, /\| events \| ok, 0 \|/);
    assertMatch(summary, /events of the last 1s/);
    const scraped = [...Deno.readDirSync(`${out}/b/metrics/inference`)].map((e) => e.name);
    assert(scraped.length >= 3, scraped.join(","));
    for (const pod of scraped) {
      assertMatch(
        await Deno.readTextFile(`${out}/b/metrics/inference/${pod}/1.prom`),
        /^# (HELP|TYPE) /m,
      );
      assertMatch(summary, new RegExp(`\`metrics/inference/${pod}/1\\.prom\``));
    }
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});
