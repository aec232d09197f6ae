/**
 * Issue 14, fuzzing: every reader of user-supplied text gets mutated real
 * samples (bytes cut, inserted, duplicated, lines swapped, truncated). It
 * never throws anything but our typed errors, and each error names the input
 * (file or source) or the line, so the user knows where to look.
 */
import { assert } from "../helpers/assert.ts";
import { fc } from "../../lib/deps_lazy/fast_check.ts";
import { GroveError } from "../../lib/errors.ts";
import { parseConfig } from "../../lib/config.ts";
import {
  mergeKubeconfigs,
  parseKubeconfigText,
  resolveContext,
} from "../../lib/kube/kubeconfig.ts";
import { parsePrometheusText, PromParseError } from "../../lib/metrics/prom_parser.ts";
import { parseGeneratorConfig, parseResults } from "../../lib/aic/results.ts";
import { parsePlan } from "../../lib/aic/plan.ts";
import { parseManifest } from "../../tasks/apply/parse.ts";

const FIX = new URL("../../fixtures/", import.meta.url);
const read = (p: string) => Deno.readTextFileSync(new URL(p, FIX));
const RUN = "aic/save-dir/Qwen/Qwen3-32B-FP8_h200_sxm_vllm_isl4000_osl1000_ttft2000_tpot30_482913/";
const RUNS = Number(Deno.env.get("FUZZ_RUNS") ?? 300);

/** One edit to a text. */
type Mutation = { op: number; at: number; len: number; text: string };

const mutation = fc.record({
  op: fc.integer({ min: 0, max: 5 }),
  at: fc.nat(),
  len: fc.integer({ min: 0, max: 40 }),
  text: fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      "\n",
      ":",
      "- ",
      "{",
      "}",
      "[",
      '"',
      "'",
      "#",
      "\t",
      ",",
      "=",
      "NaN",
      "+Inf",
      "1e309",
      "\u0000",
      "\\",
    ),
  ),
});

/** Applies edits to a sample. */
export function mutate(sample: string, ms: Mutation[]): string {
  let s = sample;
  for (const m of ms) {
    const at = s.length ? m.at % s.length : 0;
    switch (m.op) {
      case 0: // delete a slice
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case 1: // insert
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
      case 2: // duplicate a slice
        s = s.slice(0, at + m.len) + s.slice(at, at + m.len) + s.slice(at + m.len);
        break;
      case 3: { // swap two lines
        const lines = s.split("\n");
        const i = at % Math.max(1, lines.length);
        const j = (at + m.len) % Math.max(1, lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        s = lines.join("\n");
        break;
      }
      case 4: // truncate
        s = s.slice(0, at);
        break;
      default: // replace a slice
        s = s.slice(0, at) + m.text + s.slice(at + m.len);
    }
  }
  return s;
}

function fuzz(
  name: string,
  sample: string,
  mustName: string,
  check: (text: string) => Promise<unknown> | unknown,
  onError: (e: unknown, text: string) => void = () => {},
) {
  Deno.test(`fuzz: ${name} never throws an untyped error and names the input`, async () => {
    let rejected = 0;
    await check(sample); // the real sample is accepted
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (ms) => {
        const text = mutate(sample, ms);
        try {
          await check(text);
        } catch (e) {
          rejected++;
          expectTyped(e, mustName);
          onError(e, text);
        }
      }),
      { numRuns: RUNS, seed: 20261123 },
    );
    assert(rejected > 0, "no mutation was rejected: the fuzzer did not reach the error paths");
  });
}

function expectTyped(e: unknown, mustName: string) {
  if (!(e instanceof GroveError)) throw new Error(`untyped error: ${(e as Error)?.stack ?? e}`);
  assert(e.message.length > 0, "empty message");
  assert(
    e.message.includes(mustName) || (e instanceof PromParseError && e.line >= 1),
    `the message does not name ${mustName}: ${e.message}`,
  );
}

const CONFIG = `defaults:
  namespace: inference
  operator_namespace: grove-system
metrics:
  scrape_timeout: 5s
  port: 8000
tui:
  refresh_interval: 5s
  color_scheme: dark
aiconfigurator:
  path: /opt/aic/bin/aiconfigurator
  default_backend: vllm
rollout:
  history_limit: 10
`;

const SECRET = "fuzz-planted-token-0123456789";
const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${
  btoa("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
}
contexts:
- name: prod
  context:
    cluster: prod
    user: admin
    namespace: inference
users:
- name: admin
  user:
    token: ${SECRET}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubelogin
      args: ["get-token"]
`;

const PLAN = JSON.stringify(
  {
    model: "Qwen/Qwen3-32B-FP8",
    system: "h200_sxm",
    serving_mode: "disagg",
    config: { prefill_workers: 2, decode_workers: 4, prefill_tp: 2, decode_tp: 4 },
    expected: { throughput_tokens_per_sec_per_gpu: 812.5, ttft_ms: 420, tpot_ms: 18.2 },
    sla: { ttft_ms: 2000, tpot_ms: 30 },
  },
  null,
  2,
);

fuzz(
  "config file reader",
  CONFIG,
  "config.yaml",
  (t) => parseConfig(t, "/home/u/.config/kubectl-grove/config.yaml"),
);

fuzz(
  "kubeconfig reader (and no token in any message)",
  KUBECONFIG,
  "/home/u/.kube/config",
  async (t) => {
    const doc = await parseKubeconfigText(t, "/home/u/.kube/config");
    return resolveContext(mergeKubeconfigs([{ file: "/home/u/.kube/config", doc }]), undefined, {});
  },
  (e, text) => {
    // only where the token is still the value of a token field (a mutation can splice it into a
    // name, and names are rightly quoted in messages)
    const stillAToken = text.split("\n").every((l) =>
      !l.includes(SECRET) || /^\s*token:\s*\S+\s*$/.test(l)
    );
    if (!stillAToken) return;
    assert(
      !(e as Error).message.includes(SECRET),
      `the token leaked into an error message: ${(e as Error).message}`,
    );
    assert(
      !((e as GroveError).hint ?? "").includes(SECRET),
      `the token leaked into a hint: ${(e as GroveError).hint}`,
    );
  },
);

fuzz(
  "Prometheus text parser (strict)",
  read("metrics-samples/vllm-0.11_v1_metrics_scrape1.txt"),
  "line",
  (t) => parsePrometheusText(t),
);

Deno.test("fuzz: the lenient Prometheus parser never throws on mutated samples", async () => {
  const sample = read("metrics-samples/sglang-0.5_metrics.txt");
  await fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => {
      parsePrometheusText(mutate(sample, ms), { lenient: true } as never);
    }),
    { numRuns: RUNS, seed: 7 },
  );
});

fuzz(
  "AIConfigurator best_config_topn.csv reader",
  read(`${RUN}disagg/best_config_topn.csv`),
  "best_config_topn.csv",
  (t) =>
    parseResults({
      dir: "/tmp/aic/run",
      disaggCsv: t,
      aggCsv: read(`${RUN}agg/best_config_topn.csv`),
    }),
);

fuzz(
  "AIConfigurator generator_config.yaml reader",
  read(`${RUN}disagg/top1/generator_config.yaml`),
  "generator_config.yaml",
  (t) => parseGeneratorConfig(t, "disagg/top1/generator_config.yaml"),
);

fuzz("plan.json reader", PLAN, "plan.json", (t) => parsePlan(t, "plan.json"));

fuzz(
  "manifest reader (apply -f)",
  read("healthy/resources/podcliquesets.yaml"),
  "pcs.yaml",
  (t) => parseManifest(t, "pcs.yaml"),
);

Deno.test("regression (found by deno task soak): a sample cut off before '#' is a typed error, also in lenient mode", () => {
  const text = '# TYPE x_total counter\nx_total{a="b"} # HELP y\n';
  let err: unknown;
  try {
    parsePrometheusText(text);
  } catch (e) {
    err = e;
  }
  assert(err instanceof PromParseError && err.line === 2, String(err));
  assert(/no value before "#"/.test((err as Error).message));
  const lenient = parsePrometheusText(text, { lenient: true });
  assert(lenient.notes.length === 1 && lenient.notes[0].line === 2);
});
