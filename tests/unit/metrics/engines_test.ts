import { assertEquals } from "../../helpers/assert.ts";
import { podEndpoint } from "../../../lib/metrics/engines.ts";

const pod = (containers: unknown[], annotations?: Record<string, string>) =>
  ({ metadata: { name: "p", annotations }, spec: { containers } }) as Parameters<
    typeof podEndpoint
  >[0];

Deno.test("pod endpoint: engine ports, named ports, annotations, config fallback", () => {
  assertEquals(
    podEndpoint(
      pod([{ name: "c", image: "vllm/vllm-openai:v0.11.0", ports: [{ containerPort: 8000 }] }]),
    ),
    { engine: "vllm", port: 8000, path: "/metrics", portSource: "engine-port" },
  );
  assertEquals(
    podEndpoint(
      pod([{ name: "c", image: "lmsysorg/sglang:v0.5.2", ports: [{ containerPort: 30000 }] }]),
    ),
    { engine: "sglang", port: 30000, path: "/metrics", portSource: "engine-port" },
  );
  assertEquals(
    podEndpoint(
      pod([{
        name: "c",
        image: "x",
        args: ["trtllm-serve"],
        ports: [{ name: "metrics", containerPort: 8000 }],
      }]),
    ),
    { engine: "trtllm", port: 8000, path: "/prometheus/metrics", portSource: "named-port" },
  );
  assertEquals(
    podEndpoint(
      pod([{ name: "c", image: "x", ports: [{ containerPort: 9000 }, { containerPort: 9001 }] }], {
        "prometheus.io/port": "9100",
        "prometheus.io/path": "/m",
      }),
    ),
    { engine: undefined, port: 9100, path: "/m", portSource: "annotation" },
  );
  assertEquals(podEndpoint(pod([{ name: "c", image: "busybox" }])), undefined);
  assertEquals(podEndpoint(pod([{ name: "c", image: "busybox" }]), 8080)?.portSource, "config");
  assertEquals(
    podEndpoint(
      pod([{
        name: "c",
        image: "x",
        command: ["python", "-m", "dynamo.frontend"],
        ports: [{ containerPort: 8000 }],
      }]),
    )?.engine,
    "dynamo-frontend",
  );
});
