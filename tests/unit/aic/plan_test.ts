import {
  parsePlan,
  planFromResults,
  planRoles,
  planTotalGpus,
  validatePlan,
} from "../../../lib/aic/plan.ts";
import { readResultsDir } from "../../../lib/aic/results.ts";
import { GroveError } from "../../../lib/errors.ts";
import { assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { SAVE_DIR } from "./_fixtures.ts";

const documented = {
  model: "Qwen/Qwen3-32B",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 4, decode_workers: 1, prefill_tp: 1, decode_tp: 4 },
  expected: { throughput_tokens_per_sec_per_gpu: 812.9, ttft_ms: 276.8, tpot_ms: 8.3 },
  sla: { ttft_ms: 300, tpot_ms: 10 },
};

Deno.test("plan: a plan with only the documented keys is read", () => {
  const p = parsePlan(JSON.stringify(documented), "plan.json");
  assertEquals(planRoles(p), [
    { role: "prefill", workers: 4, tp: 1, pp: undefined, dp: undefined, gpusPerWorker: undefined },
    { role: "decode", workers: 1, tp: 4, pp: undefined, dp: undefined, gpusPerWorker: undefined },
  ]);
  assertEquals(planTotalGpus(p), 8);
});

Deno.test("plan: unknown keys of other tools are kept", () => {
  const p = parsePlan(JSON.stringify({ ...documented, owner: "team-a" }), "plan.json");
  assertEquals(p.owner, "team-a");
});

Deno.test("plan: malformed JSON names the line and column", () => {
  const e = assertThrows(() => parsePlan('{\n  "model": "m",\n  "system": }', "cm/x"), GroveError);
  assertMatch(e.message, /^cm\/x:3:\d+: not valid JSON/);
});

Deno.test("plan: missing keys and wrong types are all listed", () => {
  const bad = {
    ...documented,
    serving_mode: "mixed",
    config: { prefill_workers: "4", decode_workers: 1.5, prefill_tp: 1 },
    sla: undefined,
  };
  const e = assertThrows(() => validatePlan(bad, "plan.json"), GroveError);
  assertMatch(e.message, /"serving_mode" must be "disagg" or "agg", got "mixed"/);
  assertMatch(e.message, /"config\.prefill_workers" must be a number >= 0, got "4"/);
  assertMatch(e.message, /"config\.decode_workers" must be a whole number, got 1\.5/);
  assertMatch(e.message, /missing "config\.decode_tp"/);
  assertMatch(e.message, /missing "sla" \(an object\)/);
  const e2 = assertThrows(() => validatePlan([1], "plan.json"), GroveError);
  assertMatch(e2.message, /a plan must be a JSON object, got an array/);
});

Deno.test("plan: agg plans need agg_workers and agg_tp", () => {
  const agg = { ...documented, serving_mode: "agg", config: {} };
  const e = assertThrows(() => validatePlan(agg, "plan.json"), GroveError);
  assertMatch(e.message, /an agg plan needs "config\.agg_workers" and "config\.agg_tp"/);
  const ok = validatePlan({ ...agg, config: { agg_workers: 4, agg_tp: 4 } }, "plan.json");
  assertEquals(planRoles(ok)[0].workers, 4);
});

Deno.test("plan: built from the sample results, round-trips through JSON", async () => {
  const r = await readResultsDir(SAVE_DIR);
  const p = planFromResults(r, "disagg", {
    pcs: "qwen",
    created: "2026-01-01T00:00:00Z",
    aiconfiguratorVersion: "0.11.0",
  });
  assertEquals(p.config.prefill_workers, 8);
  assertEquals(p.config.decode_tp, 4);
  assertEquals(p.expected.throughput_tokens_per_sec_per_gpu, 1233.682);
  assertEquals(p.sla, { ttft_ms: 2000, tpot_ms: 30 });
  assertEquals(p.total_gpus, 16);
  assertEquals(parsePlan(JSON.stringify(p), "x"), p);
  const a = planFromResults(r, "agg");
  assertEquals(a.config, {
    agg_workers: 4,
    agg_tp: 4,
    agg_pp: 1,
    agg_dp: 1,
    agg_gpus_per_worker: 4,
  });
});

Deno.test("plan: JSON error positions", async () => {
  const { jsonErrorOffset } = await import("../../../lib/aic/json_position.ts");
  assertEquals(jsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}'), undefined);
  assertEquals(jsonErrorOffset('{"a": }'), 6);
  assertEquals(jsonErrorOffset('{"a": 1,}'), 8);
  assertEquals(jsonErrorOffset('{"a": 1} x'), 9);
  assertEquals(jsonErrorOffset('{"a": "'), 7);
  const e = assertThrows(() => parsePlan('{"model": "m"', "plan.json"), GroveError);
  assertMatch(e.message, /plan\.json:1:14: not valid JSON: unexpected end of the text/);
});
