import {
  ageOf,
  formatAge,
  formatDuration,
  formatGoDuration,
  parseGoDuration,
} from "../../../lib/grove/duration.ts";
import { UsageError } from "../../../lib/errors.ts";
import { assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

Deno.test("parseGoDuration: the forms Grove's terminationDelay uses", () => {
  assertEquals(parseGoDuration("4h"), 4 * H);
  assertEquals(parseGoDuration("1h30m"), 90 * M);
  assertEquals(parseGoDuration("2h15m0s"), 2 * H + 15 * M);
  assertEquals(parseGoDuration("300ms"), 300);
  assertEquals(parseGoDuration("1.5h"), 90 * M);
  assertEquals(parseGoDuration("90s"), 90 * S);
  assertEquals(parseGoDuration(" 4h "), 4 * H);
});

Deno.test("parseGoDuration: Go edge cases (0, signs, fractions, micro units)", () => {
  assertEquals(parseGoDuration("0"), 0);
  assertEquals(parseGoDuration("-1m"), -M);
  assertEquals(parseGoDuration("+5s"), 5 * S);
  assertEquals(parseGoDuration(".5s"), 500);
  assertEquals(parseGoDuration("1.s"), S);
  assertEquals(parseGoDuration("1500us"), 1.5);
  assertEquals(parseGoDuration("1500µs"), 1.5);
  assertEquals(parseGoDuration("2000000ns"), 2);
  assertEquals(parseGoDuration("1h1m1s1ms"), H + M + S + 1);
});

Deno.test("parseGoDuration: bad input is a UsageError naming the input and the valid form", () => {
  for (const bad of ["", "4", "4x", "h", "1h-", "abc", ".s", "1hh", "4 h", "-", "1d", "--1s"]) {
    const e = assertThrows(() => parseGoDuration(bad, "terminationDelay"), UsageError);
    assertMatch(e.message, /^invalid terminationDelay ".*"/);
    assertMatch(e.hint ?? "", /Go duration such as "4h"/);
  }
  const e = assertThrows(() => parseGoDuration("4"), UsageError);
  assertMatch(e.message, /missing unit/);
  assertMatch(assertThrows(() => parseGoDuration("1d"), UsageError).message, /unknown unit "d"/);
  assertMatch(assertThrows(() => parseGoDuration(""), UsageError).message, /empty/);
});

Deno.test("formatGoDuration: Go's time.Duration.String()", () => {
  assertEquals(formatGoDuration(4 * H), "4h0m0s");
  assertEquals(formatGoDuration(90 * M), "1h30m0s");
  assertEquals(formatGoDuration(90 * S), "1m30s");
  assertEquals(formatGoDuration(1500), "1.5s");
  assertEquals(formatGoDuration(300), "300ms");
  assertEquals(formatGoDuration(0), "0s");
  assertEquals(formatGoDuration(-M), "-1m0s");
  assertEquals(formatGoDuration(0.5), "500µs");
  assertEquals(formatGoDuration(0.0001), "100ns");
});

Deno.test("formatDuration: compact, drops zero units, parses back", () => {
  assertEquals(formatDuration(4 * H), "4h");
  assertEquals(formatDuration(90 * M), "1h30m");
  assertEquals(formatDuration(2 * H + 15 * M), "2h15m");
  assertEquals(formatDuration(90 * S), "1m30s");
  assertEquals(formatDuration(300), "300ms");
  assertEquals(formatDuration(0), "0s");
  assertEquals(formatDuration(-20 * M), "-20m");
  for (const v of [4 * H, 90 * M, 8100 * S, 1500, 36 * H]) {
    assertEquals(parseGoDuration(formatDuration(v)), v);
  }
  // one precision rule: whole seconds from a minute, whole minutes from an hour
  assertEquals(formatDuration(24 * M + 1012), "24m1s");
  assertEquals(formatDuration(2 * H + 28 * M + 28 * S), "2h28m");
  assertEquals(formatDuration(59 * M + 59.6 * S), "1h");
});

Deno.test("formatAge: kubectl's HumanDuration thresholds", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [45 * S, "45s"],
    [119 * S, "119s"],
    [2 * M, "2m"],
    [5 * M + 12 * S, "5m12s"],
    [9 * M + 59 * S, "9m59s"],
    [42 * M + 30 * S, "42m"],
    [59 * M, "59m"],
    [148 * M + 28 * S, "2h28m"],
    [179 * M, "2h59m"],
    [3 * H, "3h"],
    [2 * H + 15 * M, "2h15m"],
    [3 * H + 15 * M, "3h15m"],
    [7 * H + 59 * M, "7h59m"],
    [10 * H + 5 * M, "10h"],
    [47 * H, "47h"],
    [2 * D, "2d"],
    [3 * D + 4 * H, "3d4h"],
    [7 * D + 23 * H, "7d23h"],
    [8 * D + 5 * H, "8d"],
    [120 * D, "120d"],
    [729 * D, "729d"],
    [730 * D, "2y"],
    [760 * D, "2y30d"],
    [9 * 365 * D, "9y"],
    [-1 * S, "0s"],
    [-1999, "0s"],
    [-5 * S, "<invalid>"],
  ];
  for (const [ms, want] of cases) assertEquals(formatAge(ms), want, `formatAge(${ms})`);
});

Deno.test("ageOf: from RFC 3339 timestamps, <unknown> when missing or bad", () => {
  const now = Date.parse("2026-11-01T12:00:00Z");
  assertEquals(ageOf("2026-11-01T09:45:00Z", now), "2h15m");
  assertEquals(ageOf("2026-10-30T09:00:00Z", new Date(now)), "2d3h");
  assertEquals(ageOf(undefined, now), "<unknown>");
  assertEquals(ageOf("yesterday", now), "<unknown>");
});
