import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { ConfigError } from "../../../lib/errors.ts";
import {
  findKubeconfigFiles,
  loadKubeconfigFiles,
  mergeKubeconfigs,
  parseKubeconfigText,
  readKubeconfigFile,
  resolveContext,
} from "../../../lib/kube/kubeconfig.ts";
import { connect, resolveConfig } from "../../../lib/kube/connect.ts";
import { listSeparator } from "../../../lib/kube/paths.ts";
import { pki, rejects, tempDir } from "./_helpers.ts";

const b64 = (s: string) => btoa(s);

function kc(opts: {
  current?: string;
  clusters?: [string, Record<string, unknown>][];
  users?: [string, Record<string, unknown>][];
  contexts?: [string, Record<string, unknown>][];
}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": opts.current,
    clusters: (opts.clusters ?? []).map(([name, cluster]) => ({ name, cluster })),
    users: (opts.users ?? []).map(([name, user]) => ({ name, user })),
    contexts: (opts.contexts ?? []).map(([name, context]) => ({ name, context })),
  });
}

async function rejectsConfig(fn: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await fn();
  } catch (e) {
    assert(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

function throwsConfig(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("merge: first file wins per name, first non-empty current-context wins", () => {
  const a = JSON.parse(kc({
    clusters: [["c1", { server: "https://a:1" }]],
    users: [["u1", { token: "from-a" }]],
    contexts: [["x", { cluster: "c1", user: "u1", namespace: "ns-a" }]],
  }));
  const b = JSON.parse(kc({
    current: "x",
    clusters: [["c1", { server: "https://b:1" }], ["c2", { server: "https://b:2" }]],
    users: [["u1", { token: "from-b" }]],
    contexts: [["x", { cluster: "c2", user: "u1" }], ["y", { cluster: "c2" }]],
  }));
  const m = mergeKubeconfigs([{ file: "/a/config", doc: a }, { file: "/b/config", doc: b }]);
  assertEquals(m.currentContext, "x");
  assertEquals(m.clusters.get("c1")!.body.server, "https://a:1");
  assertEquals(m.clusters.get("c1")!.file, "/a/config");
  assertEquals(m.clusters.get("c2")!.body.server, "https://b:2");
  assertEquals(m.users.get("u1")!.body.token, "from-a");
  assertEquals([...m.contexts.keys()], ["x", "y"]);
  const r = resolveContext(m);
  assertEquals(r.contextName, "x");
  assertEquals(r.cluster.server, "https://a:1");
  assertEquals(r.namespace, "ns-a");
  assertEquals(r.user.token, "from-a");
});

Deno.test("KUBECONFIG list: OS separator, missing files skipped, --kubeconfig overrides", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f1 = `${dir}/one.yaml`;
    const f2 = `${dir}/two.yaml`;
    await Deno.writeTextFile(
      f1,
      kc({
        clusters: [["c", { server: "https://one:443" }]],
        contexts: [["one", { cluster: "c" }]],
      }),
    );
    await Deno.writeTextFile(
      f2,
      kc({
        current: "two",
        clusters: [["c", { server: "https://two:443" }]],
        contexts: [["two", { cluster: "c" }]],
      }),
    );
    const env = { KUBECONFIG: [f1, `${dir}/missing.yaml`, f2].join(listSeparator), HOME: dir };
    const found = findKubeconfigFiles({ env });
    assertEquals(found.files, [f1, f2]);
    const cfg = await resolveConfig({ env });
    assertEquals(cfg.contextName, "two");
    assertEquals(cfg.cluster.server, "https://one:443"); // cluster "c" comes from the first file
    assertEquals(cfg.files, [f1, f2]);
    const only2 = await resolveConfig({ env, kubeconfig: f2 });
    assertEquals(only2.cluster.server, "https://two:443");
    const ctx = await resolveConfig({ env, context: "one" });
    assertEquals(ctx.contextName, "one");
  } finally {
    await cleanup();
  }
});

Deno.test("default ~/.kube/config is used when KUBECONFIG is unset", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await Deno.mkdir(`${dir}/.kube`);
    await Deno.writeTextFile(
      `${dir}/.kube/config`,
      kc({
        current: "d",
        clusters: [["c", { server: "https://home:6443/" }]],
        contexts: [["d", { cluster: "c" }]],
      }),
    );
    const cfg = await resolveConfig({ env: { HOME: dir } });
    assertEquals(cfg.cluster.server, "https://home:6443");
    assertEquals(cfg.userName, "");
  } finally {
    await cleanup();
  }
});

Deno.test("no kubeconfig anywhere: a clear error, never localhost:8080", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const e = await rejectsConfig(() =>
      resolveConfig({ env: { HOME: dir }, serviceAccountDir: `${dir}/sa` })
    );
    assertMatch(e.message, /no kubeconfig found/);
    assertMatch(e.message, /\.kube\/config" does not exist/);
    assertMatch(e.hint!, /--kubeconfig/);
    const e2 = await rejectsConfig(() =>
      resolveConfig({
        env: { HOME: dir, KUBECONFIG: `${dir}/nope` },
        serviceAccountDir: `${dir}/sa`,
      })
    );
    assertMatch(e2.message, /none of the files in KUBECONFIG exist/);
    const e3 = await rejectsConfig(() =>
      resolveConfig({ env: { HOME: dir }, kubeconfig: `${dir}/absent.yaml` })
    );
    assertMatch(e3.message, /absent\.yaml" \(from --kubeconfig\) does not exist/);
    const e5 = await rejectsConfig(() => resolveConfig({ env: { HOME: dir }, kubeconfig: dir }));
    assertMatch(e5.message, /is a directory, not a file/);
    const e4 = await rejects<ConfigError>(
      connect({ env: { HOME: dir }, serviceAccountDir: `${dir}/sa` }),
    );
    assert(e4 instanceof ConfigError);
  } finally {
    await cleanup();
  }
});

Deno.test("relative certificate, key and token paths resolve against the kubeconfig's directory", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const p = await pki();
    const client = await p.issueClient("alice", "devs");
    await Deno.mkdir(`${dir}/sub/certs`, { recursive: true });
    await Deno.writeTextFile(`${dir}/sub/certs/ca.crt`, p.ca.cert);
    await Deno.writeTextFile(`${dir}/sub/certs/alice.crt`, client.cert);
    await Deno.writeTextFile(`${dir}/sub/certs/alice.key`, client.key);
    await Deno.writeTextFile(`${dir}/sub/token`, "tok-from-file\n");
    await Deno.writeTextFile(
      `${dir}/sub/config`,
      kc({
        current: "x",
        clusters: [["c", { server: "https://k:6443", "certificate-authority": "certs/ca.crt" }]],
        users: [["u", {
          "client-certificate": "certs/alice.crt",
          "client-key": "./certs/alice.key",
          tokenFile: "token",
        }]],
        contexts: [["x", { cluster: "c", user: "u" }]],
      }),
    );
    const cfg = await resolveConfig({
      env: { HOME: "/nonexistent" },
      kubeconfig: `${dir}/sub/config`,
    });
    assertEquals(cfg.cluster.caCerts, [p.ca.cert]);
    assertEquals(cfg.cluster.caSource, `${dir}/sub/certs/ca.crt`);
    assertEquals(cfg.user.clientCertificate, client.cert);
    assertEquals(cfg.user.clientKey, client.key);
    assertEquals(cfg.user.tokenFile, `${dir}/sub/token`);
  } finally {
    await cleanup();
  }
});

Deno.test("every auth kind resolves: token, basic, *-data certs, exec, impersonation, TLS options", async () => {
  const p = await pki();
  const client = await p.issueClient("bob");
  const m = mergeKubeconfigs([{
    file: "/k/config",
    doc: JSON.parse(kc({
      clusters: [["c", {
        server: "https://k:6443",
        "certificate-authority-data": b64(p.ca.cert),
        "tls-server-name": "api.internal",
        "insecure-skip-tls-verify": false,
        "proxy-url": "http://proxy:3128",
      }]],
      users: [
        ["tok", { token: "abc" }],
        ["basic", { username: "admin", password: "pw" }],
        ["cert", {
          "client-certificate-data": b64(client.cert),
          "client-key-data": b64(client.key),
        }],
        ["exec", {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "./bin/plugin",
            args: ["token", "--x"],
            env: [{ name: "A", value: "1" }],
          },
          as: "someone",
          "as-groups": ["g1", "g2"],
        }],
      ],
      contexts: [
        ["tok", { cluster: "c", user: "tok" }],
        ["basic", { cluster: "c", user: "basic" }],
        [
          "cert",
          { cluster: "c", user: "cert" },
        ],
        ["exec", { cluster: "c", user: "exec" }],
      ],
    })),
  }]);
  assertEquals(resolveContext(m, "tok").user.token, "abc");
  const basic = resolveContext(m, "basic").user;
  assertEquals([basic.username, basic.password], ["admin", "pw"]);
  const cert = resolveContext(m, "cert");
  assertEquals(cert.user.clientCertificate, client.cert);
  assertEquals(cert.user.clientKey, client.key);
  assertEquals(cert.cluster.caCerts, [p.ca.cert]);
  assertEquals(cert.cluster.tlsServerName, "api.internal");
  assertEquals(cert.cluster.proxyUrl, "http://proxy:3128");
  const ex = resolveContext(m, "exec").user;
  assertEquals(ex.exec?.command, "/k/bin/plugin");
  assertEquals(ex.exec?.args, ["token", "--x"]);
  assertEquals(ex.exec?.interactiveMode, "IfAvailable"); // v1beta1 default
  assertEquals(ex.impersonate, { user: "someone", groups: ["g1", "g2"] });
});

Deno.test("bad input: malformed YAML names the file", async () => {
  const e = await rejectsConfig(() =>
    parseKubeconfigText("clusters: [\n  - name: x\n  bad", "/home/me/.kube/config")
  );
  assertMatch(e.message, /kubeconfig file "\/home\/me\/\.kube\/config" is not valid YAML/);
  const e2 = await rejectsConfig(() => parseKubeconfigText("- a\n- b\n", "/f"));
  assertMatch(e2.message, /expected a YAML mapping/);
  const e3 = await rejectsConfig(() => parseKubeconfigText("clusters: oops\n", "/f"));
  assertMatch(e3.message, /"clusters" must be a list/);
});

Deno.test("bad input: unreadable kubeconfig file", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const e = await rejectsConfig(() => readKubeconfigFile(dir)); // a directory
    assertMatch(e.message, /cannot read kubeconfig file/);
    if (Deno.build.os !== "windows" && Deno.uid() !== 0) {
      await Deno.writeTextFile(`${dir}/locked`, "{}");
      await Deno.chmod(`${dir}/locked`, 0o000);
      const e2 = await rejectsConfig(() => loadKubeconfigFiles([`${dir}/locked`]));
      assertMatch(e2.message, /locked": permission denied/);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("bad input: context not found lists the existing ones; missing current-context", () => {
  const m = mergeKubeconfigs([{
    file: "/k/config",
    doc: JSON.parse(kc({
      clusters: [["c", { server: "https://k" }]],
      contexts: [["prod", { cluster: "c" }], ["staging", { cluster: "c" }]],
    })),
  }]);
  const e = throwsConfig(() => resolveContext(m, "dev"));
  assertMatch(e.message, /context "dev" not found in kubeconfig "\/k\/config"/);
  assertMatch(e.hint!, /available: prod, staging/);
  const e2 = throwsConfig(() => resolveContext(m));
  assertMatch(e2.message, /no current-context/);
  assertMatch(e2.hint!, /--context/);
});

Deno.test("bad input: missing cluster, user, server, half a client cert, bad base64", () => {
  const m = mergeKubeconfigs([{
    file: "/k/config",
    doc: JSON.parse(kc({
      clusters: [["c", { server: "https://k" }], ["noserver", {}], ["badca", {
        server: "https://k",
        "certificate-authority-data": "!!!not base64!!!",
      }]],
      users: [["halfcert", { "client-certificate-data": b64("x") }]],
      contexts: [
        ["nocluster", { cluster: "ghost", user: "" }],
        ["nouser", { cluster: "c", user: "ghost" }],
        ["noserver", { cluster: "noserver" }],
        ["halfcert", { cluster: "c", user: "halfcert" }],
        ["badca", { cluster: "badca" }],
        ["cafile", { cluster: "c" }],
      ],
    })),
  }]);
  assertMatch(
    throwsConfig(() => resolveContext(m, "nocluster")).message,
    /refers to cluster "ghost", which is not defined/,
  );
  assertMatch(
    throwsConfig(() => resolveContext(m, "nouser")).message,
    /refers to user "ghost", which is not defined/,
  );
  assertMatch(
    throwsConfig(() => resolveContext(m, "noserver")).message,
    /cluster "noserver" in "\/k\/config" has no server URL/,
  );
  assertMatch(
    throwsConfig(() => resolveContext(m, "halfcert")).message,
    /client certificate but no key/,
  );
  assertMatch(
    throwsConfig(() => resolveContext(m, "badca")).message,
    /certificate-authority-data is not valid base64/,
  );
});

Deno.test("bad input: missing certificate file names the file and the kubeconfig", () => {
  const m = mergeKubeconfigs([{
    file: "/k/config",
    doc: JSON.parse(kc({
      current: "x",
      clusters: [["c", { server: "https://k", "certificate-authority": "nope/ca.crt" }]],
      contexts: [["x", { cluster: "c" }]],
    })),
  }]);
  const e = throwsConfig(() => resolveContext(m));
  assertMatch(
    e.message,
    /cluster "c": cannot read certificate-authority "\/k\/nope\/ca.crt": no such file/,
  );
  assertMatch(e.hint!, /\/k\/config/);
});

Deno.test("bad input: legacy auth-provider points to exec plugins", () => {
  const m = mergeKubeconfigs([{
    file: "/k/config",
    doc: JSON.parse(kc({
      current: "gke",
      clusters: [["c", { server: "https://k" }]],
      users: [["g", { "auth-provider": { name: "gcp", config: {} } }]],
      contexts: [["gke", { cluster: "c", user: "g" }]],
    })),
  }]);
  const e = throwsConfig(() => resolveContext(m));
  assertMatch(e.message, /legacy auth-provider "gcp"/);
  assertMatch(e.hint!, /gke-gcloud-auth-plugin/);
});

Deno.test("bad input: exec entries with a bad apiVersion or missing interactiveMode (v1)", () => {
  const mk = (exec: Record<string, unknown>) =>
    mergeKubeconfigs([{
      file: "/k/config",
      doc: JSON.parse(kc({
        current: "x",
        clusters: [["c", { server: "https://k" }]],
        users: [["u", { exec }]],
        contexts: [["x", { cluster: "c", user: "u" }]],
      })),
    }]);
  assertMatch(
    throwsConfig(() =>
      resolveContext(mk({ apiVersion: "client.authentication.k8s.io/v1alpha1", command: "x" }))
    )
      .message,
    /supported: client.authentication.k8s.io\/v1 and v1beta1/,
  );
  assertMatch(
    throwsConfig(() =>
      resolveContext(mk({ apiVersion: "client.authentication.k8s.io/v1", command: "x" }))
    ).message,
    /must set interactiveMode/,
  );
});
