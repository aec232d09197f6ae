import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { ConfigError } from "../../../lib/errors.ts";
import {
  buildExecInfo,
  clearExecCredentialCache,
  getExecCredential,
  parseExecCredentialOutput,
} from "../../../lib/kube/exec_credential.ts";
import type { ExecConfig } from "../../../lib/kube/kubeconfig.ts";
import { rejects, tempDir } from "./_helpers.ts";

const V1 = "client.authentication.k8s.io/v1";

/** Writes an executable fake plugin: counts runs, records its exec info, prints `output`. */
async function fakePlugin(dir: string, name: string, body: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

function execCfg(command: string, over: Partial<ExecConfig> = {}): ExecConfig {
  return {
    apiVersion: V1,
    command,
    args: [],
    env: [],
    interactiveMode: "Never",
    provideClusterInfo: false,
    userName: "dev",
    ...over,
  };
}

const cred = (status: Record<string, unknown>, apiVersion = V1) =>
  JSON.stringify({ apiVersion, kind: "ExecCredential", status });

const skip = Deno.build.os === "windows";

Deno.test({
  name: "exec plugin: success with args, env and KUBERNETES_EXEC_INFO (cluster info)",
  ignore: skip,
  fn: async () => {
    clearExecCredentialCache();
    const { dir, cleanup } = await tempDir();
    try {
      const plugin = await fakePlugin(
        dir,
        "plugin",
        `echo "$KUBERNETES_EXEC_INFO" > "${dir}/info.json"\necho "$1 $2 $MYVAR" > "${dir}/args"\n` +
          `echo '${cred({ token: "tok-1" })}'`,
      );
      const c = await getExecCredential(
        execCfg(plugin, {
          args: ["get-token", "--cluster=x"],
          env: [{ name: "MYVAR", value: "v" }],
          provideClusterInfo: true,
        }),
        {
          cluster: {
            server: "https://k:6443",
            insecureSkipTlsVerify: false,
            caDataBase64: "Q0E=",
            execExtension: { a: 1 },
          },
          stdinIsTerminal: false,
        },
      );
      assertEquals(c.token, "tok-1");
      assertEquals(await Deno.readTextFile(`${dir}/args`), "get-token --cluster=x v\n");
      const info = JSON.parse(await Deno.readTextFile(`${dir}/info.json`));
      assertEquals(info, {
        apiVersion: V1,
        kind: "ExecCredential",
        spec: {
          interactive: false,
          cluster: {
            server: "https://k:6443",
            "certificate-authority-data": "Q0E=",
            config: { a: 1 },
          },
        },
      });
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  name: "exec plugin: cached until expirationTimestamp, concurrent callers share one run",
  ignore: skip,
  fn: async () => {
    clearExecCredentialCache();
    const { dir, cleanup } = await tempDir();
    try {
      const exp = "2030-01-01T00:00:00Z";
      const plugin = await fakePlugin(
        dir,
        "plugin",
        `echo x >> "${dir}/runs"\necho '${cred({ token: "t", expirationTimestamp: exp })}'`,
      );
      const cfg = execCfg(plugin);
      let now = Date.parse("2029-12-31T23:00:00Z");
      const opts = { now: () => now, stdinIsTerminal: false };
      const [a, b] = await Promise.all([
        getExecCredential(cfg, opts),
        getExecCredential(cfg, opts),
      ]);
      assertEquals([a.token, b.token], ["t", "t"]);
      await getExecCredential(cfg, opts);
      const runs = async () => (await Deno.readTextFile(`${dir}/runs`)).trim().split("\n").length;
      assertEquals(await runs(), 1);
      now = Date.parse(exp) + 1000; // expired
      await getExecCredential(cfg, opts);
      assertEquals(await runs(), 2);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  name: "exec plugin: client certificate and key from the plugin",
  ignore: skip,
  fn: async () => {
    clearExecCredentialCache();
    const { dir, cleanup } = await tempDir();
    try {
      const plugin = await fakePlugin(
        dir,
        "p",
        `echo '${
          cred(
            { clientCertificateData: "CERT", clientKeyData: "KEY" },
            "client.authentication.k8s.io/v1beta1",
          )
        }'`,
      );
      const c = await getExecCredential(
        execCfg(plugin, { apiVersion: "client.authentication.k8s.io/v1beta1" }),
        { stdinIsTerminal: false },
      );
      assertEquals([c.clientCertificate, c.clientKey, c.token], ["CERT", "KEY", undefined]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  name: "bad input: failing exec plugin names the command, exit code and last stderr lines",
  ignore: skip,
  fn: async () => {
    clearExecCredentialCache();
    const { dir, cleanup } = await tempDir();
    try {
      const plugin = await fakePlugin(
        dir,
        "aws-ish",
        `echo "line one" >&2\necho "error: SSO session expired, run aws sso login" >&2\nexit 3`,
      );
      const e = await rejects<ConfigError>(
        getExecCredential(execCfg(plugin), { stdinIsTerminal: false }),
      );
      assert(e instanceof ConfigError);
      assertMatch(
        e.message,
        /exec credential plugin ".*aws-ish" \(user "dev"\) failed with exit code 3/,
      );
      assertMatch(e.message, /SSO session expired/);
      assertMatch(e.hint!, /run it by hand/);
      // a failure is not cached: the next call runs the plugin again
      const e2 = await rejects<ConfigError>(
        getExecCredential(execCfg(plugin), { stdinIsTerminal: false }),
      );
      assertMatch(e2.message, /exit code 3/);
    } finally {
      await cleanup();
    }
  },
});

Deno.test("bad input: exec plugin not found shows the installHint", async () => {
  clearExecCredentialCache();
  const e = await rejects<ConfigError>(
    getExecCredential(
      execCfg("kubectl-grove-no-such-plugin", {
        installHint: "install it with: brew install thing",
      }),
      { stdinIsTerminal: false },
    ),
  );
  assert(e instanceof ConfigError);
  assertMatch(e.message, /"kubectl-grove-no-such-plugin" \(user "dev"\) was not found on PATH/);
  assertEquals(e.hint, "install it with: brew install thing");
});

Deno.test("bad input: interactiveMode Always without a terminal", async () => {
  const e = await rejects<ConfigError>(
    getExecCredential(execCfg("x", { interactiveMode: "Always" }), { stdinIsTerminal: false }),
  );
  assertMatch(e.message, /needs an interactive terminal/);
});

Deno.test("exec output parsing: bad JSON, wrong apiVersion, no credential, bad expiry", () => {
  const cfg = execCfg("plug");
  const msg = (out: string) => {
    try {
      parseExecCredentialOutput(out, cfg);
    } catch (e) {
      assert(e instanceof ConfigError);
      return e.message;
    }
    throw new Error("expected failure");
  };
  assertMatch(msg("Please log in"), /not an ExecCredential JSON object: "Please log in"/);
  assertMatch(
    msg(cred({ token: "x" }, "client.authentication.k8s.io/v1beta1")),
    /apiVersion .*v1beta1" but the kubeconfig asks for ".*\/v1"/,
  );
  assertMatch(msg(cred({})), /neither a token nor a client certificate/);
  assertMatch(
    msg(cred({ token: "x", expirationTimestamp: "soon" })),
    /invalid expirationTimestamp/,
  );
  assertEquals(
    parseExecCredentialOutput(
      cred({ token: "x", expirationTimestamp: "2030-01-01T00:00:00Z" }),
      cfg,
    ).expiresAt,
    Date.parse("2030-01-01T00:00:00Z"),
  );
});

Deno.test("exec info without provideClusterInfo carries only `interactive`", () => {
  assertEquals(
    buildExecInfo(execCfg("x"), true, { server: "https://k", insecureSkipTlsVerify: false }),
    {
      apiVersion: V1,
      kind: "ExecCredential",
      spec: { interactive: true },
    },
  );
});
