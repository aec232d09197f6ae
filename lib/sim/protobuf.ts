/**
 * Just enough of the Kubernetes protobuf encoding for the objects kubectl's
 * typed clients send as protobuf: SelfSubjectAccessReview (`auth can-i`),
 * Namespace, ConfigMap and Secret (`kubectl create ns|configmap|secret`).
 * Bodies are a `k8s\0` magic followed by a runtime.Unknown whose `raw` field
 * holds the object message.
 *
 * @module
 */

type Fields = Map<number, (Uint8Array | number)[]>;

/** Reads the fields of one protobuf message (varint and length-delimited; fixed ones skipped). */
export function protoFields(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let v = 0, shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error("truncated protobuf varint");
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8), wire = key & 7;
    let val: Uint8Array | number;
    if (wire === 0) val = varint();
    else if (wire === 2) {
      const n = varint();
      if (i + n > buf.length) throw new Error("truncated protobuf field");
      val = buf.subarray(i, i + n);
      i += n;
    } else if (wire === 1) {
      i += 8;
      continue;
    } else if (wire === 5) {
      i += 4;
      continue;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    const list = out.get(field);
    if (list) list.push(val);
    else out.set(field, [val]);
  }
  return out;
}

const dec = new TextDecoder();

function bytes(f: Fields, n: number): Uint8Array | undefined {
  const v = f.get(n)?.[0];
  return v instanceof Uint8Array ? v : undefined;
}

function str(f: Fields, n: number): string | undefined {
  const b = bytes(f, n);
  return b === undefined ? undefined : dec.decode(b);
}

function bool(f: Fields, n: number): boolean | undefined {
  const v = f.get(n)?.[0];
  return typeof v === "number" ? v !== 0 : undefined;
}

function strings(f: Fields, n: number): string[] {
  return (f.get(n) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array).map((v) =>
    dec.decode(v)
  );
}

/** A map<string, string|bytes> field (repeated entries of {1: key, 2: value}). */
function map(f: Fields, n: number, asBase64 = false): Record<string, string> | undefined {
  const entries = f.get(n);
  if (!entries?.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    if (!(e instanceof Uint8Array)) continue;
    const ef = protoFields(e);
    const k = str(ef, 1) ?? "";
    const v = bytes(ef, 2) ?? new Uint8Array();
    out[k] = asBase64 ? btoa(String.fromCharCode(...v)) : dec.decode(v);
  }
  return out;
}

function objectMeta(b: Uint8Array | undefined): Record<string, unknown> {
  if (!b) return {};
  const f = protoFields(b);
  const md: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== "" && !(Array.isArray(v) && !v.length)) md[k] = v;
  };
  set("name", str(f, 1));
  set("generateName", str(f, 2));
  set("namespace", str(f, 3));
  set("resourceVersion", str(f, 6));
  set("labels", map(f, 11));
  set("annotations", map(f, 12));
  set("finalizers", strings(f, 14));
  return md;
}

/** The object message inside a Kubernetes protobuf body, with the runtime.Unknown type meta. */
function unwrap(body: Uint8Array): { apiVersion?: string; kind?: string; raw: Uint8Array } {
  const magic = [0x6b, 0x38, 0x73, 0x00];
  if (body.length < 4 || !magic.every((b, i) => body[i] === b)) {
    throw new Error("not a Kubernetes protobuf body (no k8s magic)");
  }
  const u = protoFields(body.subarray(4));
  const tm = bytes(u, 1);
  const tf = tm ? protoFields(tm) : new Map();
  const raw = bytes(u, 2);
  if (!raw) throw new Error("empty protobuf object");
  return { apiVersion: str(tf, 1), kind: str(tf, 2), raw };
}

/** Kinds {@link decodeProtobufObject} understands. */
export const PROTOBUF_KINDS = ["Namespace", "ConfigMap", "Secret", "SelfSubjectAccessReview"];

/**
 * Decodes a protobuf request body into the JSON form of the object. Throws
 * an Error naming the kind when the kind is not one of {@link PROTOBUF_KINDS}.
 */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  const { apiVersion, kind, raw } = unwrap(body);
  const f = protoFields(raw);
  const metadata = objectMeta(bytes(f, 1));
  const base = { apiVersion, kind, metadata };
  switch (kind) {
    case "Namespace": {
      const spec = bytes(f, 2);
      const finalizers = spec ? strings(protoFields(spec), 1) : [];
      return { ...base, spec: finalizers.length ? { finalizers } : {} };
    }
    case "ConfigMap": {
      const o: Record<string, unknown> = { ...base };
      const data = map(f, 2);
      const binaryData = map(f, 3, true);
      if (data) o.data = data;
      if (binaryData) o.binaryData = binaryData;
      if (bool(f, 4) !== undefined) o.immutable = bool(f, 4);
      return o;
    }
    case "Secret": {
      const o: Record<string, unknown> = { ...base };
      const data = map(f, 2, true);
      if (data) o.data = data;
      const type = str(f, 3);
      if (type) o.type = type;
      const stringData = map(f, 4);
      if (stringData) o.stringData = stringData;
      if (bool(f, 5) !== undefined) o.immutable = bool(f, 5);
      return o;
    }
    case "SelfSubjectAccessReview": {
      const spec = bytes(f, 2);
      const sf = spec ? protoFields(spec) : new Map();
      const ra = bytes(sf, 1);
      const nra = bytes(sf, 2);
      const s: Record<string, unknown> = {};
      if (ra) {
        const rf = protoFields(ra);
        const names = ["namespace", "verb", "group", "version", "resource", "subresource", "name"];
        s.resourceAttributes = Object.fromEntries(
          names.map((n, i) => [n, str(rf, i + 1)]).filter(([, v]) => v !== undefined),
        );
      }
      if (nra) {
        const nf = protoFields(nra);
        s.nonResourceAttributes = { path: str(nf, 1), verb: str(nf, 2) };
      }
      return { ...base, spec: s };
    }
    default:
      throw new Error(
        `the simulated cluster decodes protobuf only for ${PROTOBUF_KINDS.join(", ")}, not ${kind}`,
      );
  }
}
