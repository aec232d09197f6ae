// User input checked before anything is sent: names, image references, duration bounds.
import { assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { ExitCode, UsageError } from "../../../lib/errors.ts";
import {
  boundDuration,
  DAY_MS,
  parseImageReference,
  validateObjectName,
} from "../../../lib/validate.ts";

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error("no error");
}

Deno.test("names: DNS-1123 subdomains pass; empty, slashes, dots-only, 300 chars get one usage error", () => {
  assertEquals(validateObjectName("qwen-disagg"), "qwen-disagg");
  assertEquals(validateObjectName("a.b-1"), "a.b-1");
  for (const bad of ["a/b", "../x", "x".repeat(300), "Upper", "-lead", "trail-", "a b"]) {
    const e = usage(() => validateObjectName(bad));
    assertEquals(e.exitCode, ExitCode.USAGE);
    assertMatch(e.message, /is not a valid PodCliqueSet name$/);
    assertMatch(e.hint!, /at most 253 characters/);
  }
  assertMatch(usage(() => validateObjectName("x".repeat(300))).message, /300 characters/);
  for (const empty of ["", "  ", undefined]) {
    assertEquals(
      usage(() => validateObjectName(empty)).message,
      "a PodCliqueSet name is required and was empty",
    );
  }
  assertMatch(usage(() => validateObjectName("a/b", "pod")).message, /valid pod name/);
});

Deno.test("image references: the distribution grammar", () => {
  assertEquals(parseImageReference("vllm/vllm-openai:v0.11.0"), {
    domain: undefined,
    path: "vllm/vllm-openai",
    tag: "v0.11.0",
    digest: undefined,
  });
  assertEquals(
    parseImageReference("localhost:5000/x/y@sha256:" + "a".repeat(64)).domain,
    "localhost:5000",
  );
  assertEquals(
    parseImageReference("nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.2").domain,
    "nvcr.io",
  );
  assertEquals(parseImageReference("ubuntu").path, "ubuntu");
  assertEquals(parseImageReference("a__b/c.d-e_f:latest").tag, "latest");
  const cases: Array<[string, RegExp]> = [
    ["vllm/vllm-openai:bad tag", /white space/],
    ["repo:", /tag after ':' is empty/],
    ["x@sha256:zz", /digest "sha256:zz"/],
    ["x@sha256:" + "a".repeat(63), /exactly 64 hex digits|32 or more/],
    ["Vllm/Openai", /registry "Vllm"|repository/],
    ["vllm/Openai:1", /repository "vllm\/Openai"/],
    ["x:-bad", /tag "-bad"/],
    ["reg.io:port/x", /registry "reg.io:port"/],
    ["/x", /repository name is empty|repository/],
  ];
  for (const [ref, re] of cases) {
    const e = usage(() => parseImageReference(ref));
    assertMatch(e.message, re, ref);
    assertMatch(e.message, /is not a valid image reference/);
    assertEquals(e.exitCode, ExitCode.USAGE);
  }
  assertEquals(usage(() => parseImageReference("")).message, "--image is empty");
});

Deno.test("durations: a bound names the flag and the limit", () => {
  assertEquals(boundDuration(5000, "--window", DAY_MS), 5000);
  assertEquals(
    usage(() => boundDuration(99999999999 * 3600_000, "--window", DAY_MS)).message,
    "--window is too long: at most 1d (24h)",
  );
  assertEquals(
    usage(() => boundDuration(NaN, "--timeout", 3600_000)).message,
    "--timeout is too long: at most 1h",
  );
  assertEquals(
    usage(() => boundDuration(10, "--interval", 60_000, 100)).message,
    "--interval is too short: at least 100ms",
  );
  assertThrows(() => boundDuration(Infinity, "--x", 1000));
});
