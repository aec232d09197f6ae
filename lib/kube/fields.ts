/**
 * The fields the read commands (status, health, topology, the tui) keep of
 * each listed object: list options' `fields` (see `list_stream.ts`). A pod
 * comes from the API server at about 3.5 KB of JSON; the reports read its
 * labels, owners, node, containers' images, commands, ports and resources,
 * conditions and container states, not its env, probes, tolerations, IPs
 * or container ids. Cutting each item down as it is read keeps a
 * 25,000-pod cluster's lists within the 200 MB budget of issue 24.
 *
 * `tests/unit/kube/fields_test.ts` checks that every report built from
 * masked objects equals the report built from whole objects, on every
 * fixture scenario.
 *
 * @module
 */

import type { FieldMask } from "./list_stream.ts";

/** Metadata: everything but managed fields and the last-applied annotation. */
export const METADATA_FIELDS: FieldMask = {
  "*": true,
  managedFields: false,
  annotations: { "*": true, "kubectl.kubernetes.io/last-applied-configuration": false },
};

const CONTAINER: FieldMask = {
  name: true,
  image: true,
  command: true,
  args: true,
  ports: true,
  resources: true,
  restartPolicy: true,
};

const CONTAINER_STATUS: FieldMask = { "*": true, containerID: false, imageID: false };

/** What the reports read of a pod. */
export const POD_FIELDS: FieldMask = {
  apiVersion: true,
  kind: true,
  metadata: METADATA_FIELDS,
  spec: {
    containers: CONTAINER,
    initContainers: CONTAINER,
    nodeName: true,
    schedulerName: true,
    schedulingGates: true,
    resources: true,
    hostname: true,
    subdomain: true,
    priorityClassName: true,
  },
  status: {
    "*": true,
    conditions: { "*": true, lastProbeTime: false },
    containerStatuses: CONTAINER_STATUS,
    initContainerStatuses: CONTAINER_STATUS,
    hostIPs: false,
    podIPs: false,
    qosClass: false,
  },
};

/**
 * What `topology` reads of a pod: where it runs, what it requests, whose it
 * is and what state it is in. Not the commands, ports or past states: the
 * topology of 25,000 pods then fits the 200 MB budget with room to spare.
 */
export const TOPOLOGY_POD_FIELDS: FieldMask = {
  apiVersion: true,
  kind: true,
  metadata: METADATA_FIELDS,
  spec: {
    containers: { name: true, resources: true },
    initContainers: { name: true, resources: true, restartPolicy: true },
    nodeName: true,
    schedulerName: true,
    schedulingGates: true,
    resources: true,
  },
  status: {
    phase: true,
    reason: true,
    message: true,
    conditions: { type: true, status: true, reason: true, message: true },
    containerStatuses: { name: true, ready: true, restartCount: true, state: true },
    initContainerStatuses: { name: true, ready: true, restartCount: true, state: true },
    nominatedNodeName: true,
  },
};

/** What the reports read of a node. */
export const NODE_FIELDS: FieldMask = {
  apiVersion: true,
  kind: true,
  metadata: METADATA_FIELDS,
  spec: { unschedulable: true, taints: true },
  status: {
    capacity: true,
    allocatable: true,
    conditions: { "*": true, lastHeartbeatTime: false },
  },
};

/** Any other kind (Grove objects, events): whole, but for metadata's bulk. */
export const OBJECT_FIELDS: FieldMask = { "*": true, metadata: METADATA_FIELDS };

/**
 * The mask of a kind.
 *
 * @example
 * ```ts
 * import { reportFields } from "./fields.ts";
 * reportFields("Pod"); // POD_FIELDS
 * ```
 */
export function reportFields(kind: string): FieldMask {
  return kind === "Pod" ? POD_FIELDS : kind === "Node" ? NODE_FIELDS : OBJECT_FIELDS;
}
