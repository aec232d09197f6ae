/**
 * Real-API proof: the real `kubectl` (when on PATH) against the simulated
 * cluster: get of every Grove kind and pods, scale, merge patch, logs, the
 * pod proxy, a watch that sees a store change, and a forbidden write with the
 * read-only context.
 */

import assert from "node:assert/strict";
import { startSimCluster } from "../../lib/sim/server.ts";
import { toolGate } from "../helpers/tools.ts";

const GATE = toolGate("kubectl", "apt-get install -y kubectl, or the release binary");
const KUBECTL = GATE.path;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

Deno.test({
  name: "real kubectl works against the simulated cluster",
  ignore: GATE.ignore,
  async fn(t) {
    GATE.require();
    const sim = await startSimCluster({ scenario: "healthy", bookmarkIntervalMs: 200 });
    const cacheDir = await Deno.makeTempDir({ prefix: "kubectl-cache-" });
    const env = { KUBECONFIG: sim.kubeconfigPath, HOME: cacheDir };
    const kubectl = async (...args: string[]): Promise<Run> => {
      const out = await new Deno.Command(KUBECTL!, {
        args: ["--cache-dir", cacheDir, ...args],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    };
    const ok = async (...args: string[]): Promise<string> => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout;
    };
    const ns = sim.scenario.meta.namespace ?? "default";
    const pcs = sim.store.list("pcs", ns)[0];
    try {
      await t.step("get every Grove kind and pods (tables with printer columns)", async () => {
        const pcsOut = await ok("get", "pcs");
        assert.match(pcsOut, /^NAME\s+REPLICAS\s+AVAILABLE/m);
        assert.match(pcsOut, new RegExp(`^${pcs.metadata.name}\\s+${pcs.spec.replicas}\\s`, "m"));
        for (const kind of ["pclq", "pcsg", "pg"]) {
          const out = await ok("get", kind, "-o", "name");
          const want = sim.store.list(kind, ns).length;
          assert.equal(out.trim().split("\n").filter(Boolean).length, want, `${kind} count`);
        }
        assert.match(await ok("get", "pg"), /^NAME\s+PHASE\s+AGE/m);
        assert.match(await ok("get", "ct"), /zone,rack,host|DOMAINS/);
        const pods = await ok("get", "pods", "-o", "wide");
        assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/m);
        const all = await ok("get", "pods", "-A", "--no-headers");
        assert.equal(all.trim().split("\n").length, sim.store.list("pods").length);
        const json = JSON.parse(await ok("get", "pcs", pcs.metadata.name, "-o", "json"));
        assert.equal(json.metadata.uid, pcs.metadata.uid);
      });

      await t.step("scale pcs --replicas goes through /scale", async () => {
        sim.requestLog.reset();
        const want = (pcs.spec.replicas ?? 1) + 2;
        assert.match(
          await ok("scale", "pcs", pcs.metadata.name, `--replicas=${want}`),
          /scaled/,
        );
        assert.equal(sim.store.get("pcs", ns, pcs.metadata.name)!.spec.replicas, want);
        assert.ok(sim.requestLog.count((e) => e.path.endsWith("/scale")) >= 1);
        const gen = sim.store.get("pcs", ns, pcs.metadata.name)!.metadata.generation!;
        assert.ok(gen > (pcs.metadata.generation ?? 1), "generation bumped by the spec change");
      });

      await t.step("patch --type merge of a PCS", async () => {
        await ok(
          "patch",
          "pcs",
          pcs.metadata.name,
          "--type",
          "merge",
          "-p",
          '{"metadata":{"labels":{"e2e":"patched"}}}',
        );
        const cur = sim.store.get("pcs", ns, pcs.metadata.name)!;
        assert.equal(cur.metadata.labels?.e2e, "patched");
        const bad = await kubectl(
          "patch",
          "pcs",
          pcs.metadata.name,
          "--type",
          "merge",
          "-p",
          '{"spec":{"template":{"cliques":[{"name":"x"}]}}}',
        );
        assert.notEqual(bad.code, 0);
        assert.match(
          bad.stderr,
          /is invalid: .*spec\.template\.cliques\[0\]\.spec: Required value/,
        );
      });

      await t.step("logs of a pod, with --tail and -c", async () => {
        const key = [...sim.scenario.logs.keys()].find((k) =>
          k.startsWith(`${ns}/`) && !k.endsWith(".previous")
        )!;
        const [, pod, container] = key.split("/");
        const full = sim.scenario.logs.get(key)!;
        const out = await ok("logs", pod, "-c", container);
        assert.equal(out, full.endsWith("\n") ? full : full + "\n");
        const tail = await ok("logs", pod, "-c", container, "--tail=1");
        assert.equal(tail.trim().split("\n").length, 1);
        const bad = await kubectl("logs", pod, "-c", "no-such-container");
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /container no-such-container is not valid for pod/);
      });

      await t.step("get --raw of a pod's metrics through the proxy", async () => {
        const key = [...sim.scenario.metrics.keys()].find((k) => k.startsWith(`${ns}/`))!;
        const [, pod] = key.split("/");
        const out = await ok(
          "get",
          "--raw",
          `/api/v1/namespaces/${ns}/pods/${pod}:8000/proxy/metrics`,
        );
        assert.equal(out.trim(), sim.scenario.metrics.get(key)![0].trim());
      });

      await t.step("get pcs -w receives a change made through the store", async () => {
        const child = new Deno.Command(KUBECTL!, {
          args: ["--cache-dir", cacheDir, "get", "pcs", "-w", "--request-timeout=20s"],
          env,
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let seen = "";
        const readUntil = async (re: RegExp, ms: number) => {
          const deadline = Date.now() + ms;
          while (!re.test(seen)) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`timed out waiting for ${re} in:\n${seen}`);
            let timer: ReturnType<typeof setTimeout> | undefined;
            const r = await Promise.race([
              reader.read(),
              new Promise<{ done: true; value: undefined }>((res) => {
                timer = setTimeout(() => res({ done: true, value: undefined }), left);
              }),
            ]);
            clearTimeout(timer);
            if (r.done) break;
            seen += r.value;
          }
          assert.match(seen, re);
        };
        try {
          await readUntil(new RegExp(`^${pcs.metadata.name}\\s`, "m"), 10_000);
          sim.store.update("pcs", ns, pcs.metadata.name, (o) => {
            o.spec.replicas = 42;
          });
          await readUntil(new RegExp(`^${pcs.metadata.name}\\s+42\\s`, "m"), 10_000);
        } finally {
          child.kill("SIGTERM");
          await reader.cancel().catch(() => {});
          await child.stderr.cancel().catch(() => {});
          await child.status;
        }
      });

      await t.step("apply, create (server-side validation), explain and auth can-i", async () => {
        const dir = await Deno.makeTempDir();
        try {
          const manifest = (replicas: number, extra = "") =>
            `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: e2e-applied
spec:
  replicas: ${replicas}
  template:
    cliques:
      - name: a
        spec:
          roleName: a
          replicas: 1${extra}
          podSpec:
            containers:
              - name: a
                image: registry.example/a:1
`;
          await Deno.writeTextFile(`${dir}/pcs.yaml`, manifest(1));
          assert.match(await ok("apply", "-f", `${dir}/pcs.yaml`), /e2e-applied created/);
          await Deno.writeTextFile(`${dir}/pcs.yaml`, manifest(2));
          assert.match(await ok("apply", "-f", `${dir}/pcs.yaml`), /e2e-applied configured/);
          assert.equal(sim.store.get("pcs", ns, "e2e-applied")!.spec.replicas, 2);
          const dup = await kubectl("create", "-f", `${dir}/pcs.yaml`);
          assert.match(dup.stderr, /AlreadyExists.*"e2e-applied" already exists/);
          await Deno.writeTextFile(`${dir}/bad.yaml`, manifest(-1));
          const neg = await kubectl("apply", "-f", `${dir}/bad.yaml`);
          assert.notEqual(neg.code, 0);
          assert.match(neg.stderr, /spec.replicas: Invalid value: -1/);
          await Deno.writeTextFile(`${dir}/unknown.yaml`, manifest(1, "\n          bogus: 1"));
          const unknown = await kubectl("apply", "-f", `${dir}/unknown.yaml`);
          assert.match(unknown.stderr, /unknown field "spec.template.cliques\[0\].spec.bogus"/);
          assert.match(await ok("delete", "-f", `${dir}/pcs.yaml`), /deleted/);
          assert.match(await ok("explain", "pcs.spec.replicas"), /FIELD: replicas <integer>/);
          // typed kubectl commands send protobuf bodies
          await ok("create", "configmap", "e2e-cm", "--from-literal=a=b");
          assert.deepEqual(sim.store.get("configmaps", ns, "e2e-cm")!.data, { a: "b" });
          await ok("create", "namespace", "e2e-ns");
          assert.ok(sim.store.get("namespaces", undefined, "e2e-ns"));
          assert.equal((await ok("auth", "can-i", "patch", "pcs")).trim(), "yes");
          const ro = await kubectl("--context", "sim-readonly", "auth", "can-i", "patch", "pcs");
          assert.equal(ro.stdout.trim(), "no");
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });

      await t.step("the read-only context may read but not write", async () => {
        const r = await kubectl("--context", "sim-readonly", "get", "pcs");
        assert.equal(r.code, 0, r.stderr);
        const w = await kubectl(
          "--context",
          "sim-readonly",
          "scale",
          "pcs",
          pcs.metadata.name,
          "--replicas=1",
        );
        assert.notEqual(w.code, 0);
        assert.match(
          w.stderr,
          new RegExp(
            `podcliquesets.grove.io "${pcs.metadata.name}" is forbidden: User "readonly" cannot patch resource "podcliquesets/scale" in API group "grove.io" in the namespace "${ns}"`,
          ),
        );
      });
    } finally {
      await sim.stop();
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
