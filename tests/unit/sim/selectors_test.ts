import assert from "node:assert/strict";
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "../../../lib/sim/selectors.ts";

const L = { app: "demo", tier: "decode", "grove.io/podclique": "demo-0-decode" };
const sel = (s: string, labels: Record<string, string> = L) =>
  matchLabels(parseLabelSelector(s), labels);

Deno.test("label selectors: equality, inequality, sets, existence", () => {
  assert.equal(sel(""), true);
  assert.equal(sel("app=demo"), true);
  assert.equal(sel("app==demo"), true);
  assert.equal(sel("app=other"), false);
  assert.equal(sel("app!=other"), true);
  assert.equal(sel("missing!=x"), true, "!= holds when the key is absent");
  assert.equal(sel("tier in (prefill, decode)"), true);
  assert.equal(sel("tier in (prefill)"), false);
  assert.equal(sel("tier notin (prefill)"), true);
  assert.equal(sel("tier notin (decode,prefill)"), false);
  assert.equal(sel("missing notin (x)"), true);
  assert.equal(sel("app"), true);
  assert.equal(sel("missing"), false);
  assert.equal(sel("!missing"), true);
  assert.equal(sel("!app"), false);
  assert.equal(sel("app=demo,tier in (decode),!missing,grove.io/podclique=demo-0-decode"), true);
  assert.equal(sel("app=demo,tier=prefill"), false);
  assert.equal(sel("app="), false);
  assert.equal(sel("app=", { app: "" }), true);
});

Deno.test("label selectors: bad syntax is a SelectorError naming the selector", () => {
  for (const bad of ["app=demo,", "a b", "tier in (x", "=x", "app=de mo", "-bad-=x"]) {
    assert.throws(() => parseLabelSelector(bad), SelectorError, bad);
  }
  assert.throws(() => parseLabelSelector("app=demo,,x"), /in selector/);
});

Deno.test("field selectors: supported fields per kind, = and !=", () => {
  const pod = {
    metadata: { name: "p", namespace: "ns" },
    spec: { nodeName: "n1" },
    status: { phase: "Running" },
  };
  assert.equal(matchFields(parseFieldSelector("spec.nodeName=n1", "Pod"), pod), true);
  assert.equal(
    matchFields(parseFieldSelector("status.phase!=Running,metadata.name=p", "Pod"), pod),
    false,
  );
  assert.equal(matchFields(parseFieldSelector("metadata.namespace==ns", "Pod"), pod), true);
  assert.equal(matchFields(parseFieldSelector("spec.nodeName=", "Pod"), pod), false);
  const ev = {
    metadata: { name: "e" },
    involvedObject: { kind: "Pod", name: "p", uid: "u1" },
    type: "Warning",
    reason: "BackOff",
  };
  assert.equal(
    matchFields(
      parseFieldSelector("involvedObject.kind=Pod,involvedObject.name=p,type=Warning", "Event"),
      ev,
    ),
    true,
  );
  assert.equal(matchFields(parseFieldSelector("reason=Failed", "Event"), ev), false);
  assert.throws(
    () => parseFieldSelector("spec.replicas=1", "PodCliqueSet"),
    /field label not supported: spec.replicas/,
  );
  assert.throws(() => parseFieldSelector("nonsense", "Pod"), SelectorError);
});
