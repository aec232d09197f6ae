import {
  baseGangName,
  cliqueName,
  gangForScalingGroupReplica,
  isDnsLabel,
  parseCliqueName,
  parseGangName,
  podHostname,
  scaledGangName,
  scalingGroupCliqueName,
  scalingGroupName,
} from "../../../lib/grove/names.ts";
import {
  AnnotationKeys,
  cliquePodsSelector,
  ConditionTypes,
  gangPodsSelector,
  isValidLabelValue,
  LabelKeys,
  operatorPodsSelector,
  partOfSelector,
  replicaSelector,
  selectorFrom,
} from "../../../lib/grove/labels.ts";
import { UsageError } from "../../../lib/errors.ts";
import { assert, assertEquals, assertThrows } from "../../helpers/assert.ts";

Deno.test("names: Grove's naming conventions", () => {
  assertEquals(cliqueName("qwen-disagg", 0, "frontend"), "qwen-disagg-0-frontend");
  assertEquals(scalingGroupName("qwen-disagg", 1, "decode"), "qwen-disagg-1-decode");
  assertEquals(
    scalingGroupCliqueName("qwen-disagg", 0, "decode", 1, "dworker"),
    "qwen-disagg-0-decode-1-dworker",
  );
  assertEquals(baseGangName("qwen-disagg", 2), "qwen-disagg-2");
  assertEquals(scaledGangName("qwen-disagg", 0, "decode", 0), "qwen-disagg-0-decode-0");
  assertEquals(podHostname("qwen-disagg-0-frontend", 3), "qwen-disagg-0-frontend-3");
});

Deno.test("names: scaling group replicas below minAvailable share the base gang", () => {
  assertEquals(gangForScalingGroupReplica("p", 0, "sg", 0), "p-0");
  assertEquals(gangForScalingGroupReplica("p", 0, "sg", 1), "p-0-sg-0");
  assertEquals(gangForScalingGroupReplica("p", 0, "sg", 2), "p-0-sg-1");
  assertEquals(gangForScalingGroupReplica("p", 0, "sg", 1, 2), "p-0");
  assertEquals(gangForScalingGroupReplica("p", 0, "sg", 2, 2), "p-0-sg-0");
});

Deno.test("names: parseCliqueName splits standalone and member cliques", () => {
  assertEquals(parseCliqueName("qwen-disagg-0-frontend", "qwen-disagg", ["decode"]), {
    pcs: "qwen-disagg",
    replica: 0,
    clique: "frontend",
  });
  assertEquals(parseCliqueName("qwen-disagg-0-decode-1-dworker", "qwen-disagg", ["decode"]), {
    pcs: "qwen-disagg",
    replica: 0,
    clique: "dworker",
    scalingGroup: "decode",
    scalingGroupReplica: 1,
  });
  // A PCS whose name ends in digits, and scaling groups that share a prefix.
  assertEquals(parseCliqueName("llm-2-3-dec-0-w", "llm-2", ["dec", "decode"])?.scalingGroup, "dec");
  assertEquals(
    parseCliqueName("llm-2-3-decode-0-w", "llm-2", ["dec", "decode"])?.scalingGroup,
    "decode",
  );
  assertEquals(parseCliqueName("llm-2-3-decode-0-w", "llm-2", [])?.clique, "decode-0-w");
  assertEquals(parseCliqueName("other-0-frontend", "qwen", []), undefined);
  assertEquals(parseCliqueName("qwen-x-frontend", "qwen", []), undefined);
});

Deno.test("names: parseGangName tells base from scaled gangs", () => {
  assertEquals(parseGangName("qwen-disagg-0", "qwen-disagg"), {
    pcs: "qwen-disagg",
    replica: 0,
    base: true,
  });
  assertEquals(parseGangName("qwen-disagg-1-decode-2", "qwen-disagg"), {
    pcs: "qwen-disagg",
    replica: 1,
    base: false,
    scalingGroup: "decode",
    scaledIndex: 2,
  });
  assertEquals(parseGangName("qwen-disagg-0-decode", "qwen-disagg"), undefined);
  assertEquals(parseGangName("other-0", "qwen-disagg"), undefined);
});

Deno.test("names: DNS label check", () => {
  assert(isDnsLabel("qwen-disagg-0-frontend"));
  assert(!isDnsLabel("Qwen"));
  assert(!isDnsLabel("-a"));
  assert(!isDnsLabel("a".repeat(64)));
});

Deno.test("labels: keys match the Grove operator's", () => {
  assertEquals(LabelKeys.partOf, "app.kubernetes.io/part-of");
  assertEquals(LabelKeys.pcsReplicaIndex, "grove.io/podcliqueset-replica-index");
  assertEquals(LabelKeys.podClique, "grove.io/podclique");
  assertEquals(LabelKeys.podGang, "grove.io/podgang");
  assertEquals(LabelKeys.scalingGroup, "grove.io/podcliquescalinggroup");
  assertEquals(LabelKeys.scalingGroupReplicaIndex, "grove.io/podcliquescalinggroup-replica-index");
  assertEquals(LabelKeys.podTemplateHash, "grove.io/pod-template-hash");
  assertEquals(AnnotationKeys.topologyName, "grove.io/topology-name");
  assertEquals(ConditionTypes.minAvailableBreached, "MinAvailableBreached");
  assertEquals(ConditionTypes.podCliqueScheduled, "PodCliqueScheduled");
});

Deno.test("labels: selector builders", () => {
  assertEquals(partOfSelector("qwen-disagg"), "app.kubernetes.io/part-of=qwen-disagg");
  assertEquals(
    replicaSelector("qwen-disagg", 1),
    "app.kubernetes.io/part-of=qwen-disagg,grove.io/podcliqueset-replica-index=1",
  );
  assertEquals(
    cliquePodsSelector("q", "q-0-frontend"),
    "app.kubernetes.io/part-of=q,grove.io/podclique=q-0-frontend",
  );
  assertEquals(gangPodsSelector("q-0"), "grove.io/podgang=q-0");
  assertEquals(operatorPodsSelector(), "app.kubernetes.io/name=grove-operator");
  assertEquals(selectorFrom({ a: "1", b: undefined, c: 2 }), "a=1,c=2");
});

Deno.test("labels: an invalid label value is rejected with the key in the message", () => {
  assert(isValidLabelValue(""));
  assert(!isValidLabelValue("has space"));
  assert(!isValidLabelValue("a".repeat(64)));
  const e = assertThrows(() => partOfSelector("bad name"), UsageError);
  assert(e.message.includes('"bad name"') && e.message.includes("app.kubernetes.io/part-of"));
  assert((e.hint ?? "").includes("63 characters"));
});
