import { assert, assertEquals, assertMatch, assertRejects } from "../../helpers/assert.ts";
import { ApiError, ConnectionError, GroveError } from "../../../lib/errors.ts";
import type { ResourceDescriptor } from "../../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../../lib/kube/types.ts";
import {
  type SourceEvent,
  tuiListSpecs,
  watchTrouble,
  watchTuiObjects,
} from "../../../tasks/tui/source.ts";
import { scenarioController, screen } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** A fake client: lists from `objects`, watches fail `failWatches` times, 403 for `forbidden` kinds. */
function fakeKube(
  objects: KubeObject[],
  o: { failWatches?: number; forbidden?: string[]; absent?: string[] } = {},
) {
  let failures = o.failWatches ?? 0;
  const calls: string[] = [];
  const kube = {
    contextName: "fake",
    server: "https://fake",
    namespace: "inference",
    requests: [],
    list(r: ResourceDescriptor) {
      calls.push(`list ${r.plural}`);
      if (o.forbidden?.includes(r.plural)) {
        return Promise.reject(
          new ApiError({ status: 403, reason: "Forbidden", verb: "list", resource: r.plural }),
        );
      }
      if (o.absent?.includes(r.plural)) {
        return Promise.reject(
          new ApiError({ status: 404, reason: "NotFound", verb: "list", resource: r.plural }),
        );
      }
      return Promise.resolve({
        items: objects.filter((x) => x.kind === r.kind),
        resourceVersion: "1",
      });
    },
    async *watch(r: ResourceDescriptor, w: { signal?: AbortSignal }) {
      calls.push(`watch ${r.plural}`);
      if (r.plural === "pods" && failures > 0) {
        failures--;
        throw new ConnectionError("the watch of pods kept dropping");
      }
      await new Promise<void>((res) => w.signal?.addEventListener("abort", () => res()));
      yield* [];
    },
  } as unknown as Kube;
  return { kube, calls };
}

const PCS = {
  apiVersion: "grove.io/v1alpha1",
  kind: "PodCliqueSet",
  metadata: { name: "demo", namespace: "inference", uid: "u1", resourceVersion: "1" },
  spec: { replicas: 1, template: { cliques: [] } },
} as KubeObject;

Deno.test({
  name: "source: one list per kind, optional kinds dropped with a note when forbidden",
  ...opts,
  fn: async () => {
    const { kube, calls } = fakeKube([PCS], { forbidden: ["nodes", "events"] });
    const ac = new AbortController();
    const it = watchTuiObjects(kube, { namespace: "inference", allNamespaces: false }, {
      signal: ac.signal,
    });
    const first = (await it.next()).value as SourceEvent;
    ac.abort();
    await it.return(undefined);
    assert(first.type === "snapshot");
    assertEquals(first.snapshot.objects.map((x) => x.metadata.name), ["demo"]);
    assertMatch(first.snapshot.missing.join("\n"), /nodes .*: forbidden/);
    assertMatch(first.snapshot.missing.join("\n"), /events .*: forbidden/);
    const lists = calls.filter((c) => c.startsWith("list"));
    assertEquals(lists.length, tuiListSpecs({ allNamespaces: true }).length);
    assertEquals(new Set(lists).size, lists.length, "one list per kind");
  },
});

Deno.test({
  name: "source: no Grove installed fails before the screen opens, with a hint",
  ...opts,
  fn: async () => {
    const { kube } = fakeKube([], { absent: ["podcliquesets"] });
    const e = await assertRejects(
      () => watchTuiObjects(kube, { namespace: "inference", allNamespaces: false }).next(),
      GroveError,
    );
    assertMatch(e.message, /does not serve podcliquesets\.grove\.io/);
    assertMatch((e as GroveError).hint ?? "", /Grove operator installed/);
  },
});

Deno.test({
  name: "source: a watch that gives up makes the data stale, then it lists and watches again",
  ...opts,
  fn: async () => {
    const { kube, calls } = fakeKube([PCS], { failWatches: 1 });
    const ac = new AbortController();
    const events: SourceEvent[] = [];
    for await (
      const ev of watchTuiObjects(kube, { namespace: "inference", allNamespaces: false }, {
        signal: ac.signal,
        retryMs: 10,
        debounceMs: 0,
      })
    ) {
      events.push(ev);
      if (events.length === 3) break;
    }
    ac.abort();
    assertEquals(events.map((e) => e.type), ["snapshot", "stale", "snapshot"]);
    const stale = events[1];
    assert(stale.type === "stale");
    assertMatch(stale.reason, /watch of pods kept dropping/);
    assertEquals(stale.retryInMs, 10);
    assertEquals(calls.filter((c) => c === "list podcliquesets").length, 2);
  },
});

Deno.test("watchTrouble: the latest watch request per path decides", () => {
  const rec = (path: string, status: number) => ({ method: "GET", path, status, ms: 1 });
  assertEquals(watchTrouble([rec("/api/v1/pods?watch=1", 200)]), undefined);
  assertEquals(
    watchTrouble([
      rec("/api/v1/pods?watch=1", 200),
      rec("/apis/grove.io/v1alpha1/namespaces/inference/podcliques?watch=1&resourceVersion=3", 503),
      rec("/api/v1/pods?limit=500", 500), // a list, not a watch
    ]),
    "watch of podcliques reconnecting (HTTP 503)",
  );
  assertEquals(
    watchTrouble([rec("/api/v1/nodes?watch=1", 0), rec("/api/v1/nodes?watch=1", 200)]),
    undefined,
  );
});

Deno.test("screen: a reconnecting watch is stale in the header until it is back", async () => {
  const { c } = await scenarioController("healthy");
  c.setWatchTrouble("watch of pods reconnecting (no answer)");
  assertMatch(
    screen(c).split("\n")[0],
    /STALE since 12:00:00Z \(reconnecting\): watch o/,
  );
  c.setWatchTrouble(undefined);
  assertMatch(screen(c).split("\n")[0], /live 12:00:00Z/);
});
