// The simulator gzips responses above 128 KB for clients that accept gzip (as
// kube-apiserver does); the client asks for gzip and reads such lists through
// both transports (fetch, and node:https for insecure-skip-tls-verify).
import { assert, assertEquals } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { acceptsGzip } from "../../lib/sim/compression.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { POD_FIELDS } from "../../lib/kube/fields.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("gzip: Accept-Encoding parsing", () => {
  assert(acceptsGzip("gzip"));
  assert(acceptsGzip("br, gzip;q=0.5"));
  assert(acceptsGzip("*"));
  assert(!acceptsGzip(null));
  assert(!acceptsGzip("identity"));
  assert(!acceptsGzip("gzip;q=0"));
  assert(!acceptsGzip("br"));
});

async function rawGet(server: string, ca: string, token: string, path: string, ae?: string) {
  const client = Deno.createHttpClient({ caCerts: [ca] });
  try {
    const r = await fetch(server + path, {
      client,
      headers: { Authorization: `Bearer ${token}`, ...(ae ? { "Accept-Encoding": ae } : {}) },
    });
    const text = await r.text();
    return { encoding: r.headers.get("content-encoding"), text };
  } finally {
    client.close();
  }
}

Deno.test(
  "gzip: large lists are sent gzip-encoded, small ones and refusals are not",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "large" });
    try {
      const { server, caCert: ca, tokens } = sim;
      const big = await rawGet(server, ca, tokens.admin, "/api/v1/pods", "gzip");
      assertEquals(big.encoding, "gzip");
      assertEquals(JSON.parse(big.text).items.length, sim.store.list("pods").length);
      const refused = await rawGet(server, ca, tokens.admin, "/api/v1/pods", "identity");
      assertEquals(refused.encoding, null);
      assertEquals(refused.text, big.text);
      const small = await rawGet(
        server,
        ca,
        tokens.admin,
        "/apis/grove.io/v1alpha1/namespaces/inference/podcliquesets?limit=1",
        "gzip",
      );
      assertEquals(small.encoding, null);
      sim.compression.enabled = false;
      const off = await rawGet(server, ca, tokens.admin, "/api/v1/pods", "gzip");
      assertEquals(off.encoding, null);
      assertEquals(off.text, big.text);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "gzip: the client reads gzip lists through fetch and through node:https",
  opts,
  async () => {
    // what the client asked for, per request
    const asked: (string | null)[] = [];
    const sim = await startSimCluster({
      scenario: "large",
      onRequest: (req) => {
        asked.push(req.headers.get("accept-encoding"));
        return undefined;
      },
    });
    const dir = await Deno.makeTempDir();
    try {
      const insecure = `${dir}/insecure.yaml`;
      const kc = await Deno.readTextFile(sim.kubeconfigPath);
      await Deno.writeTextFile(
        insecure,
        kc.replace(/certificate-authority-data: \S+/, "insecure-skip-tls-verify: true"),
      );
      const want = sim.store.list("pods").length;
      for (const path of [sim.kubeconfigPath, insecure]) {
        for (const gzip of [true, false]) {
          sim.compression.enabled = gzip;
          const kube = await connect({ kubeconfig: path, stderr: () => {} });
          const whole = await kube.list(Resources.pods);
          const cut = await kube.list(Resources.pods, { fields: POD_FIELDS });
          assertEquals(whole.items.length, want, `${path} gzip=${gzip}`);
          assertEquals(cut.items.length, want);
          assertEquals(
            cut.items.map((p) => p.metadata.name),
            whole.items.map((p) => p.metadata.name),
          );
          assert(cut.items.every((p) => p.spec.containers.every((c: object) => !("env" in c))));
          assert(whole.resourceVersion.length > 0);
          kube.close();
        }
      }
      assertEquals(asked.length, 8);
      assert(asked.every((a) => a !== null && /\bgzip\b/.test(a)), `asked: ${asked.join(" | ")}`);
    } finally {
      await sim.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
