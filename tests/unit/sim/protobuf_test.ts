import assert from "node:assert/strict";
import { decodeProtobufObject, protoFields } from "../../../lib/sim/protobuf.ts";

// A tiny protobuf writer, enough to build the bodies kubectl sends.
const enc = new TextEncoder();
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
function field(n: number, v: string | Uint8Array | number): number[] {
  if (typeof v === "number") return [...varint(n * 8), ...varint(v)];
  const b = typeof v === "string" ? enc.encode(v) : v;
  return [...varint(n * 8 + 2), ...varint(b.length), ...b];
}
const msg = (...parts: number[][]) => new Uint8Array(parts.flat());
const entry = (k: string, v: string) => msg(field(1, k), field(2, v));
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const typeMeta = msg(field(1, apiVersion), field(2, kind));
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...msg(field(1, typeMeta), field(2, raw))]);
}

Deno.test("protobuf: fields, varints above 127, repeated entries", () => {
  const f = protoFields(msg(field(1, 300), field(2, "a"), field(2, "b")));
  assert.deepEqual(f.get(1), [300]);
  assert.equal(f.get(2)!.length, 2);
  assert.throws(() => protoFields(new Uint8Array([0x08, 0x80])), /truncated/);
});

Deno.test("protobuf: ConfigMap, Secret, Namespace and SelfSubjectAccessReview as kubectl sends them", () => {
  const meta = msg(field(1, "cm1"), field(3, "ns1"), field(11, entry("app", "x")));
  const cm = decodeProtobufObject(
    envelope("v1", "ConfigMap", msg(field(1, meta), field(2, entry("a", "b")), field(4, 1))),
  );
  assert.deepEqual(cm, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cm1", namespace: "ns1", labels: { app: "x" } },
    data: { a: "b" },
    immutable: true,
  });
  const secret = decodeProtobufObject(
    envelope(
      "v1",
      "Secret",
      msg(field(1, msg(field(1, "s"))), field(2, entry("k", "v")), field(3, "Opaque")),
    ),
  );
  assert.deepEqual(secret.data, { k: "dg==" });
  assert.equal(secret.type, "Opaque");
  const ns = decodeProtobufObject(envelope("v1", "Namespace", msg(field(1, msg(field(1, "foo"))))));
  assert.deepEqual(ns.metadata, { name: "foo" });
  const ra = msg(
    field(1, "inference"),
    field(2, "patch"),
    field(3, "grove.io"),
    field(5, "podcliquesets"),
  );
  const ssar = decodeProtobufObject(
    envelope(
      "authorization.k8s.io/v1",
      "SelfSubjectAccessReview",
      msg(field(1, msg()), field(2, msg(field(1, ra)))),
    ),
  );
  assert.deepEqual(ssar.spec, {
    resourceAttributes: {
      namespace: "inference",
      verb: "patch",
      group: "grove.io",
      resource: "podcliquesets",
    },
  });
});

Deno.test("protobuf: other kinds and non-protobuf bodies are clear errors", () => {
  assert.throws(
    () => decodeProtobufObject(envelope("apps/v1", "Deployment", msg(field(1, msg())))),
    /decodes protobuf only for Namespace, ConfigMap, Secret, SelfSubjectAccessReview, not Deployment/,
  );
  assert.throws(() => decodeProtobufObject(enc.encode("{}")), /no k8s magic/);
});
