/** A small PodCliqueSet for the rollout unit tests (test data, not a fixture scenario). @module */

import type { PodCliqueSet } from "../../../lib/grove/types.ts";

/** A PCS with a frontend (standalone, 2 pods) and a worker (1 GPU per pod, 3 pods). */
export function samplePcs(image = "vllm/vllm-openai:v0.10.0"): PodCliqueSet {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name: "demo", namespace: "inference", uid: "uid-demo", resourceVersion: "7" },
    spec: {
      replicas: 1,
      template: {
        cliques: [
          {
            name: "frontend",
            spec: {
              roleName: "frontend",
              replicas: 2,
              podSpec: { containers: [{ name: "router", image: "dynamo/frontend:1.0" }] },
            },
          },
          {
            name: "worker",
            topologyConstraint: { pack: { required: "rack" } },
            spec: {
              roleName: "worker",
              replicas: 3,
              minAvailable: 2,
              podSpec: {
                containers: [
                  { name: "vllm", image, resources: { limits: { "nvidia.com/gpu": "1" } } },
                  { name: "sidecar", image: "busybox:1.36" },
                ],
              },
            },
          },
        ],
      },
    },
  };
}
