// A list body that keeps flowing may take longer than --request-timeout (a
// 25,000-pod list on a slow link); a body that stalls for that long times out.
import { assertEquals, assertMatch } from "../../helpers/assert.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { clientFor, rejects, startServer } from "./_helpers.ts";

/** A list body sent in `parts`, `gapMs` apart (then `stallMs` before the last part). */
function slowList(parts: number, gapMs: number, stallMs = 0): Response {
  const enc = new TextEncoder();
  const items = Array.from(
    { length: parts },
    (_, i) => JSON.stringify({ metadata: { name: `p${i}`, namespace: "ns" } }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Response(
    new ReadableStream({
      async start(c) {
        const wait = (ms: number) => new Promise((r) => (timer = setTimeout(r, ms)));
        c.enqueue(enc.encode(`{"kind":"PodList","metadata":{"resourceVersion":"9"},"items":[`));
        for (let i = 0; i < parts; i++) {
          await wait(i === parts - 1 && stallMs ? stallMs : gapMs);
          c.enqueue(enc.encode((i ? "," : "") + items[i]));
        }
        c.enqueue(enc.encode("]}"));
        c.close();
      },
      cancel() {
        clearTimeout(timer);
      },
    }),
    { headers: { "content-type": "application/json" } },
  );
}

Deno.test("list: a body that keeps flowing outlasts the request timeout", async () => {
  const srv = await startServer(() => slowList(8, 60)); // ~480 ms in all, 60 ms gaps
  const { client } = await clientFor(srv.url, { requestTimeoutMs: 200 });
  try {
    const r = await client.list(Resources.pods, { namespace: "ns" });
    assertEquals(r.items.length, 8);
    assertEquals(r.resourceVersion, "9");
  } finally {
    client.close();
    await srv.stop();
  }
});

Deno.test("list: a body that stalls longer than the request timeout times out", async () => {
  const srv = await startServer(() => slowList(3, 10, 600));
  const { client } = await clientFor(srv.url, {
    requestTimeoutMs: 200,
    backoff: { maxAttempts: 1 },
  });
  try {
    const e = await rejects<Error>(client.list(Resources.pods, { namespace: "ns" }));
    assertEquals(e.name, "ConnectionError");
    assertMatch(e.message, /timed out after 200ms/);
  } finally {
    client.close();
    await new Promise((r) => setTimeout(r, 700));
    await srv.stop();
  }
});
