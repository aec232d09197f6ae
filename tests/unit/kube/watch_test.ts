import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { ApiError, ConnectionError } from "../../../lib/errors.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import type { WatchEvent } from "../../../lib/kube/types.ts";
import { clientFor, json, rejects, startServer, status } from "./_helpers.ts";

const obj = (name: string, rv: string) => ({
  metadata: { name, namespace: "inf", resourceVersion: rv },
});
const line = (type: string, object: unknown) => JSON.stringify({ type, object }) + "\n";

/** A streaming body: the given chunks, then either close or stay open until cancelled. */
function stream(chunks: string[], keepOpen = false): Response {
  const enc = new TextEncoder();
  return new Response(
    new ReadableStream({
      start(c) {
        for (const ch of chunks) c.enqueue(enc.encode(ch));
        if (!keepOpen) c.close();
      },
    }),
    { headers: { "content-type": "application/json" } },
  );
}

Deno.test("watch: events and bookmarks, reconnect after a drop, relist on 410 (answer and in-stream), abort", async () => {
  let watches = 0;
  let lists = 0;
  const srv = await startServer((req) => {
    const u = new URL(req.url);
    if (u.searchParams.get("watch") !== "1") {
      lists++;
      return json({
        metadata: { resourceVersion: lists === 1 ? "20" : "30" },
        items: [obj("a", "18"), obj("b", "19")],
      });
    }
    watches++;
    switch (watches) {
      case 1: // two events, then the stream drops mid-line
        return stream([
          line("ADDED", obj("a", "6")),
          line("BOOKMARK", { metadata: { resourceVersion: "7" } }),
          '{"type":"MODIFIED","obj',
        ]);
      case 2: // resourceVersion too old
        return status(410, "Expired", "too old resource version: 7 (15)");
      case 3: // one event, then an in-stream 410
        return stream([
          line("MODIFIED", obj("b", "21")),
          line("ERROR", { kind: "Status", code: 410, reason: "Expired" }),
        ]);
      default:
        return stream([line("DELETED", obj("a", "31"))], true);
    }
  });
  const { client } = await clientFor(srv.url);
  const ac = new AbortController();
  const events: WatchEvent<{ metadata: { name: string } }>[] = [];
  try {
    for await (
      const ev of client.watch(Resources.podcliques, {
        namespace: "inf",
        resourceVersion: "5",
        labelSelector: "app=x",
        signal: ac.signal,
      })
    ) {
      events.push(ev as never);
      if (ev.type === "DELETED") ac.abort();
    }
    assertEquals(events.map((e) => e.type), [
      "ADDED",
      "BOOKMARK",
      "RELISTED",
      "MODIFIED",
      "RELISTED",
      "DELETED",
    ]);
    assertEquals(events[1], { type: "BOOKMARK", resourceVersion: "7" });
    const relisted = events[2];
    assert(relisted.type === "RELISTED");
    assertEquals(relisted.items.map((i) => i.metadata.name), ["a", "b"]);
    assertEquals(relisted.resourceVersion, "20");
    const watchPaths = srv.seen.filter((s) => s.path.includes("watch=1")).map((s) =>
      new URL("https://x" + s.path).searchParams
    );
    assertEquals(watchPaths.map((q) => q.get("resourceVersion")), ["5", "7", "20", "30"]);
    assert(
      watchPaths.every((q) =>
        q.get("labelSelector") === "app=x" && q.get("allowWatchBookmarks") === "true"
      ),
    );
    const listPaths = srv.seen.filter((s) => !s.path.includes("watch=1")).map((s) => s.path);
    assertEquals(listPaths, [
      "/apis/grove.io/v1alpha1/namespaces/inf/podcliques?labelSelector=app%3Dx",
      "/apis/grove.io/v1alpha1/namespaces/inf/podcliques?labelSelector=app%3Dx",
    ]);
    const modified = events[3];
    assert(modified.type === "MODIFIED");
    assertEquals((modified.object as { kind?: string }).kind, "PodClique");
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("watch: a stream that keeps dropping gives up after bounded reconnects", async () => {
  const srv = await startServer(() => stream([]));
  const { client } = await clientFor(srv.url, {
    watchReconnect: { baseMs: 1, maxMs: 5, maxFailures: 4, healthyAfterMs: 60_000 },
  });
  try {
    const e = await rejects<ConnectionError>((async () => {
      for await (const _ of client.watch(Resources.pods, { namespace: "inf" })) { /* none */ }
    })());
    assert(e instanceof ConnectionError, String(e));
    assertMatch(
      e.message,
      /the watch of pods on context "test-ctx" .* kept dropping \(4 times in a row\)/,
    );
    assertEquals(srv.seen.length, 4);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("watch: a 403 is not retried", async () => {
  const srv = await startServer(() => status(403, "Forbidden", "no watch for you"));
  const { client } = await clientFor(srv.url);
  try {
    const e = await rejects<ApiError>((async () => {
      for await (const _ of client.watch(Resources.pods, { namespace: "inf" })) { /* none */ }
    })());
    assert(e instanceof ApiError);
    assertEquals(e.details.verb, "watch");
    assertEquals(srv.seen.length, 1);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("watch: breaking out of the loop ends the request", async () => {
  const srv = await startServer(() => stream([line("ADDED", obj("a", "2"))], true));
  const { client } = await clientFor(srv.url);
  try {
    for await (const ev of client.watch(Resources.pods, { namespace: "inf" })) {
      assertEquals(ev.type, "ADDED");
      break;
    }
    assertEquals(srv.seen.length, 1);
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("watch: abort ends the watch even while the server keeps sending bookmarks", async () => {
  const enc = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  const srv = await startServer(() =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(enc.encode(line("ADDED", obj("a", "2"))));
          timer = setInterval(() => {
            try {
              c.enqueue(enc.encode(line("BOOKMARK", { metadata: { resourceVersion: "3" } })));
            } catch {
              clearInterval(timer);
            }
          }, 10);
        },
        cancel() {
          clearInterval(timer);
        },
      }),
    )
  );
  const { client } = await clientFor(srv.url);
  const ac = new AbortController();
  let after = 0;
  try {
    for await (const ev of client.watch(Resources.pods, { namespace: "inf", signal: ac.signal })) {
      if (ac.signal.aborted) after++;
      if (ev.type === "ADDED") ac.abort();
    }
    assertEquals(after, 0);
  } finally {
    clearInterval(timer);
    client.close();
    await srv.stop();
  }
});
