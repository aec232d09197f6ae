/**
 * Issue 14: a concurrent edit injected between a mutating command's read and
 * its write, at a different write each trial. Every outcome is either a
 * conflict message with nothing of ours applied, or a clean retry on fresh
 * state that keeps the other writer's change. Never half of it.
 */
import { assert, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

const TRIALS = Number(Deno.env.get("CONCURRENT_TRIALS") ?? 20);
const NS = "inference";
const PCS = "sglang-chat";
const OLD_IMAGE = "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1";
const NEW_IMAGE = "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.2";

/** Images of every container of the PCS template. */
function images(pcs: KubeObject): string[] {
  return (pcs.spec?.template?.cliques ?? []).flatMap((
    c: { spec?: { podSpec?: { containers?: { image: string }[] } } },
  ) => (c.spec?.podSpec?.containers ?? []).map((x) => x.image));
}

interface Trial {
  /** The command line. */
  argv: string[];
  /** Prepare the cluster (runs before the injection is armed). */
  setup?: (run: (argv: string[]) => Promise<{ code: number; stderr: string }>) => Promise<void>;
  /** Did our change land? */
  applied: (pcs: KubeObject, cms: KubeObject[]) => boolean;
  /** Which writes are candidates for the injection. */
  writes: RegExp;
}

const TRIALS_BY_COMMAND: Record<string, Trial> = {
  "update --image": {
    // sglang-chat's one worker pod has minAvailable 1: update needs --force
    argv: ["update", PCS, "--image", NEW_IMAGE, "--yes", "--force"],
    applied: (pcs) => images(pcs).includes(NEW_IMAGE),
    writes: /podcliquesets|controllerrevisions/,
  },
  "rollout pause": {
    argv: ["rollout", "pause", PCS, "--yes"],
    applied: (pcs) => pcs.spec?.updateStrategy?.type === "OnDelete",
    writes: /podcliquesets|controllerrevisions/,
  },
  "rollout undo": {
    argv: ["rollout", "undo", PCS, "--yes"],
    setup: async (run) => {
      const r = await run(["update", PCS, "--image", NEW_IMAGE, "--yes", "--force"]);
      assert(r.code === 0, r.stderr);
    },
    applied: (pcs) => images(pcs).includes(OLD_IMAGE) && !images(pcs).includes(NEW_IMAGE),
    writes: /podcliquesets|controllerrevisions/,
  },
  "plan store": {
    argv: [
      "plan",
      "store",
      PCS,
      "-f",
      new URL("../golden/aic/generate.disagg.yaml", import.meta.url).pathname,
    ],
    applied: (_pcs, cms) => cms.some((c) => c.metadata.name === `${PCS}-aic-plan`),
    writes: /configmaps/,
  },
};

/** How trials ended, for the assertion that the injection was really exercised. */
const outcomes: Record<string, number> = {};

async function trial(name: string, t: Trial, injectAt: number): Promise<string> {
  let writes = 0;
  let injected = false;
  let armed = false;
  // deno-lint-ignore prefer-const
  let sim: Awaited<ReturnType<typeof startSimCluster>>;
  sim = await startSimCluster({
    scenario: "healthy",
    onRequest: (req, { url }) => {
      const write = ["POST", "PUT", "PATCH", "DELETE"].includes(req.method) &&
        !url.searchParams.has("dryRun") && t.writes.test(url.pathname);
      if (!armed || !write || injected) return undefined;
      if (++writes < injectAt) return undefined;
      injected = true;
      // the other writer: an operator-style edit of the same objects
      sim.store.update("podcliquesets", NS, PCS, (o) => {
        o.metadata.annotations = {
          ...o.metadata.annotations,
          "example.com/other-writer": String(injectAt),
        };
      });
      if (/configmaps/.test(url.pathname) && req.method === "POST") {
        sim.store.put({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: {
            name: `${PCS}-aic-plan`,
            namespace: NS,
            labels: { "grove.io/aic-plan": PCS },
          },
          data: { "plan.json": "{}" },
        });
      }
      return undefined;
    },
  });
  const run = (argv: string[]) => runCli(argv, { env: { KUBECONFIG: sim.kubeconfigPath } });
  try {
    if (t.setup) await t.setup(run);
    armed = true;
    const r = await run(t.argv);
    const pcs = sim.store.get("podcliquesets", NS, PCS)!;
    const cms = [...sim.store.list("configmaps")];
    const ours = t.applied(pcs, cms);
    const theirs = pcs.metadata.annotations?.["example.com/other-writer"] !== undefined;
    const outcome = !injected
      ? "no write hit"
      : r.code === 0
      ? "retried on fresh state"
      : "conflict reported";
    outcomes[`${name}: ${outcome}`] = (outcomes[`${name}: ${outcome}`] ?? 0) + 1;
    if (r.code === 0) {
      // a clean retry (or no write was hit): our change landed, theirs kept when it happened
      if (!ours) return `${name}@${injectAt}: exit 0 but the change is not there`;
      if (injected && !theirs) {
        return `${name}@${injectAt}: exit 0 but the concurrent edit was lost`;
      }
      return "";
    }
    if (r.code !== 1) return `${name}@${injectAt}: exit ${r.code}: ${r.stderr}`;
    assertMatch(r.stderr, /conflict|changed|already exists|modified/i);
    if (name !== "plan store" && ours) {
      return `${name}@${injectAt}: failed with a conflict but the change was applied`;
    }
    if (/^\s+at /m.test(r.stderr)) return `${name}@${injectAt}: stack trace`;
    return "";
  } finally {
    await sim.stop();
  }
}

for (const [name, t] of Object.entries(TRIALS_BY_COMMAND)) {
  Deno.test(`concurrent edit during ${name}: ${TRIALS} trials, nothing half-applied`, async () => {
    const problems: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const p = await trial(name, t, 1 + (i % 3));
      if (p) problems.push(p);
    }
    assert(problems.length === 0, problems.join("\n"));
    const hit = Object.entries(outcomes).filter(([k]) =>
      k.startsWith(`${name}:`) && !k.endsWith("no write hit")
    );
    assert(hit.length > 0, `the concurrent edit never hit a write of ${name}`);
    console.log(
      Object.entries(outcomes).filter(([k]) => k.startsWith(`${name}:`)).map(([k, v]) =>
        `${k} x${v}`
      ).join("; "),
    );
  });
}
