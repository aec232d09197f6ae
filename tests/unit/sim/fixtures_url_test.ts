/**
 * Built-in scenarios by URL: `fixtures/index.json` matches the disk, and a
 * scenario read over HTTP equals the same scenario read from disk.
 */
import assert from "node:assert/strict";
import { GroveError } from "../../../lib/errors.ts";
import {
  buildFixtureIndex,
  FIXTURE_INDEX,
  type FixtureIndex,
  loadScenario,
} from "../../../lib/sim/fixtures.ts";

const FIXTURES = new URL("../../../fixtures/", import.meta.url);

async function withFixtureServer(fn: (base: URL, hits: string[]) => Promise<void>) {
  const hits: string[] = [];
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/fixtures\//, "");
      hits.push(path);
      if (path.includes("..")) return new Response("bad path", { status: 400 });
      try {
        return new Response(await Deno.readFile(new URL(path, FIXTURES)));
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  try {
    await fn(new URL(`http://127.0.0.1:${server.addr.port}/fixtures/`), hits);
  } finally {
    ac.abort();
    await server.finished;
  }
}

Deno.test("fixtures/index.json lists every built-in scenario's files as on disk (run scripts/build_fixtures.ts when this fails)", async () => {
  const committed = JSON.parse(
    await Deno.readTextFile(new URL(FIXTURE_INDEX, FIXTURES)),
  ) as FixtureIndex;
  const disk = await buildFixtureIndex(decodeURIComponent(FIXTURES.pathname).replace(/\/$/, ""));
  assert.deepEqual(committed, disk);
  for (const name of ["healthy", "fragmented", "aggregated", "rollout", "large"]) {
    assert.ok(disk.scenarios[name]?.includes("meta.json"), name);
  }
});

Deno.test("loadScenario over HTTP gives the same objects, logs and metrics as from disk", async () => {
  const now = Date.parse("2026-06-01T00:00:00Z");
  const disk = await loadScenario("fragmented", { now });
  await withFixtureServer(async (base, hits) => {
    const web = await loadScenario("fragmented", { now, fixtures: base });
    assert.equal(web.dir, new URL("fragmented", base).href);
    assert.deepEqual(web.meta, disk.meta);
    assert.deepEqual(web.objects, disk.objects);
    assert.deepEqual(web.logs, disk.logs);
    assert.deepEqual(web.metrics, disk.metrics);
    assert.equal(web.shiftMs, disk.shiftMs);
    assert.ok(hits.includes("index.json"));
    assert.ok(hits.some((h) => h.startsWith("fragmented/resources/")));
  });
});

Deno.test("loadScenario over HTTP: an unknown name lists the index's scenarios; a missing file is named", async () => {
  await withFixtureServer(async (base) => {
    await assert.rejects(loadScenario("nope", { fixtures: base }), (e: unknown) => {
      assert.ok(e instanceof GroveError);
      assert.match(
        e.message,
        /scenario "nope" not found: no http:\/\/127\.0\.0\.1:\d+\/fixtures\/nope\/meta\.json/,
      );
      assert.match(e.hint!, /aggregated, fragmented, healthy, large, rollout/);
      return true;
    });
    await assert.rejects(
      loadScenario("healthy", { fixtures: new URL("elsewhere/", base) }),
      /cannot read the scenario index http:\/\/127\.0\.0\.1:\d+\/fixtures\/elsewhere\/index\.json: HTTP 404/,
    );
  });
});
