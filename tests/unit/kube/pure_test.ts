import { assert, assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { UsageError } from "../../../lib/errors.ts";
import { formatTimeout, parseRequestTimeout } from "../../../lib/kube/duration.ts";
import { backoffDelay, parseRetryAfter, shouldRetry } from "../../../lib/kube/retry.ts";
import { resourcePath, withQuery } from "../../../lib/kube/url.ts";
import { apiErrorFromResponse, classifyNetworkError } from "../../../lib/kube/kube_errors.ts";
import { parseWatchLine } from "../../../lib/kube/watch_stream.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { resolvePath } from "../../../lib/kube/paths.ts";

Deno.test("--request-timeout accepts kubectl's forms", () => {
  assertEquals(parseRequestTimeout("0"), 0);
  assertEquals(parseRequestTimeout("30"), 30_000);
  assertEquals(parseRequestTimeout("5s"), 5000);
  assertEquals(parseRequestTimeout("1m"), 60_000);
  assertEquals(parseRequestTimeout("1h30m"), 5_400_000);
  assertEquals(parseRequestTimeout("500ms"), 500);
  for (const bad of ["", "soon", "5x", "-1s", "1m zz"]) {
    const e = assertThrows(() => parseRequestTimeout(bad), UsageError);
    assertMatch(e.message, /invalid --request-timeout/);
  }
  assertEquals([formatTimeout(100), formatTimeout(30_000), formatTimeout(90_000)], [
    "100ms",
    "30s",
    "1m30s",
  ]);
});

Deno.test("retry policy: reads on 429/5xx/resets, writes only on 429 with Retry-After", () => {
  for (const s of [429, 500, 502, 503, 504]) assert(shouldRetry(true, { status: s }));
  for (const s of [400, 401, 403, 404, 409, 410, 422]) assert(!shouldRetry(true, { status: s }));
  assert(shouldRetry(true, { reset: true }));
  assert(!shouldRetry(false, { reset: true }));
  assert(!shouldRetry(false, { status: 500 }));
  assert(!shouldRetry(false, { status: 503 }));
  assert(!shouldRetry(false, { status: 429 }));
  assert(shouldRetry(false, { status: 429, retryAfterSeconds: 1 }));
});

Deno.test("backoff: exponential with jitter, capped, Retry-After wins", () => {
  assertEquals(backoffDelay(1, undefined, { baseMs: 100 }, () => 1), 100);
  assertEquals(backoffDelay(3, undefined, { baseMs: 100 }, () => 1), 400);
  assertEquals(backoffDelay(3, undefined, { baseMs: 100 }, () => 0), 200);
  assertEquals(backoffDelay(20, undefined, { baseMs: 100, maxMs: 1000 }, () => 1), 1000);
  assertEquals(backoffDelay(5, 2), 2000);
  assertEquals(parseRetryAfter("3"), 3);
  assertEquals(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5);
  assertEquals(parseRetryAfter("garbage"), undefined);
  assertEquals(parseRetryAfter(null), undefined);
});

Deno.test("URLs: core and group paths, cluster-scoped kinds ignore the namespace, escaping", () => {
  assertEquals(resourcePath(Resources.pods, { namespace: "a b" }), "/api/v1/namespaces/a%20b/pods");
  assertEquals(resourcePath(Resources.nodes, { namespace: "x", name: "n1" }), "/api/v1/nodes/n1");
  assertEquals(
    resourcePath(Resources.podgangs, { namespace: "inf", name: "g", subresource: "status" }),
    "/apis/scheduler.grove.io/v1alpha1/namespaces/inf/podgangs/g/status",
  );
  assertEquals(withQuery("/p", { a: undefined, b: "", c: 1, d: "x=y" }), "/p?c=1&d=x%3Dy");
});

Deno.test("network errors are classified from fetch and node messages", () => {
  const fetchErr = (msg: string) => new TypeError("fetch failed", { cause: new Error(msg) });
  assertEquals(
    classifyNetworkError(
      fetchErr("client error (Connect): tcp connect error: Connection refused (os error 111)"),
    ).kind,
    "refused",
  );
  assertEquals(
    classifyNetworkError(fetchErr("dns error: failed to lookup address information")).kind,
    "dns",
  );
  assertEquals(
    classifyNetworkError(fetchErr("invalid peer certificate: UnknownIssuer")).kind,
    "tls",
  );
  assertEquals(classifyNetworkError(fetchErr("connection reset by peer")).kind, "reset");
  assertEquals(
    classifyNetworkError(Object.assign(new Error("x"), { code: "ECONNREFUSED" })).kind,
    "refused",
  );
  assertEquals(classifyNetworkError(new DOMException("t", "TimeoutError")).kind, "timeout");
});

Deno.test("watch lines: events parsed, truncated lines ignored", () => {
  assertEquals(
    parseWatchLine('{"type":"ADDED","object":{"metadata":{"name":"a"}}}')?.type,
    "ADDED",
  );
  assertEquals(parseWatchLine('{"type":"ADDED","obj'), undefined);
  assertEquals(parseWatchLine("[]"), undefined);
});

Deno.test("paths: relative to the kubeconfig directory, ~ expanded, absolute kept", () => {
  if (Deno.build.os === "windows") return;
  assertEquals(resolvePath("/k", "certs/ca.crt"), "/k/certs/ca.crt");
  assertEquals(resolvePath("/k/", "./ca.crt"), "/k/ca.crt");
  assertEquals(resolvePath("/k", "/abs/ca.crt"), "/abs/ca.crt");
  assertEquals(resolvePath("/k", "~/ca.crt", "/home/me"), "/home/me/ca.crt");
});

const PATCH_QWEN = {
  verb: "patch",
  resource: "podcliquesets.grove.io",
  name: "qwen",
  namespace: "inference",
  method: "PATCH",
  path: "/apis/grove.io/v1alpha1/namespaces/inference/podcliquesets/qwen",
};

Deno.test("a webhook denial names the webhook and its message, and is not advised as a permission problem", () => {
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    message:
      'admission webhook "vpodcliqueset.grove.io" denied the request: spec.template.cliques[1].spec.minAvailable: Invalid value: 5: must not be greater than replicas',
    reason: "Forbidden",
    code: 403,
  });
  const e = apiErrorFromResponse(
    403,
    "Forbidden",
    body,
    undefined,
    { ...PATCH_QWEN },
    { contextName: "prod", server: "https://k" },
  );
  assertEquals(
    e.message,
    'admission webhook "vpodcliqueset.grove.io" refused to patch podcliquesets.grove.io "qwen" in namespace "inference": spec.template.cliques[1].spec.minAvailable: Invalid value: 5: must not be greater than replicas',
  );
  assertMatch(e.hint!, /nothing was changed.*not your permissions/);
  assert(!/cluster admin|auth can-i/.test(e.hint!), e.hint);
  // a plain RBAC 403 keeps its permission hint
  const rbac = apiErrorFromResponse(
    403,
    "Forbidden",
    JSON.stringify({ kind: "Status", reason: "Forbidden", message: "user cannot patch" }),
    undefined,
    { ...PATCH_QWEN },
    { contextName: "prod", server: "https://k" },
  );
  assertMatch(rbac.hint!, /ask your cluster admin for 'patch'/);
});

Deno.test("a forbidden list across all namespaces: the can-i hint has -A and suggests -n", () => {
  const e = apiErrorFromResponse(
    403,
    "Forbidden",
    JSON.stringify({ kind: "Status", reason: "Forbidden", message: "cannot list pods" }),
    undefined,
    {
      verb: "list",
      resource: "pods",
      method: "GET",
      path: "/api/v1/pods",
      collection: true,
      namespaced: true,
    },
    { contextName: "dev", server: "https://k" },
  );
  assertMatch(e.hint!, /kubectl auth can-i list pods -A; or name your namespace with -n/);
  const nodes = apiErrorFromResponse(
    403,
    "Forbidden",
    "{}",
    undefined,
    { verb: "list", resource: "nodes", method: "GET", path: "/api/v1/nodes", collection: true },
    { contextName: "dev", server: "https://k" },
  );
  assertMatch(nodes.hint!, /kubectl auth can-i list nodes\)$/);
});
