// lib/async.ts: the one abortable sleep and its race against a promise.
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { raceSleep, sleep, SLEPT } from "../../lib/async.ts";

Deno.test("sleep: waits about ms; an abort ends it at once; an aborted signal does not wait", async () => {
  let t = Date.now();
  await sleep(30);
  assert(Date.now() - t >= 25, "waited");
  const ac = new AbortController();
  t = Date.now();
  setTimeout(() => ac.abort(), 10);
  await sleep(60_000, ac.signal);
  assert(Date.now() - t < 5_000, "ended by the abort");
  t = Date.now();
  await sleep(60_000, ac.signal);
  await sleep(-1);
  assert(Date.now() - t < 1_000, "no wait when already aborted or ms <= 0");
});

Deno.test("raceSleep: the promise's value, SLEPT on time-out or abort, rejections passed on", async () => {
  assertEquals(await raceSleep(Promise.resolve("x"), 60_000), "x");
  assertEquals(await raceSleep(new Promise<never>(() => {}), 5), SLEPT);
  const ac = new AbortController();
  const t = Date.now();
  setTimeout(() => ac.abort(), 10);
  assertEquals(await raceSleep(new Promise<never>(() => {}), 60_000, ac.signal), SLEPT);
  assert(Date.now() - t < 5_000);
  const e = await assertRejects(() => raceSleep(Promise.reject(new Error("boom")), 60_000), Error);
  assertEquals(e.message, "boom");
  // the test's op sanitizer fails when a timer is left behind: none is
});
