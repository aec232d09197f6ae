/**
 * The thin request path on its own: connect with lib/kube and list all
 * PodCliqueSets, PodCliques, PodGangs and pods concurrently, as
 * `kubectl get pcs,pclq,pg,pods -A` does. Run by bench/run.ts as a cold process.
 *
 * @module
 */

import { connect } from "../lib/kube/connect.ts";
import { Resources } from "../lib/kube/resources.ts";

const kube = await connect({});
const lists = await Promise.all(
  [Resources.podcliquesets, Resources.podcliques, Resources.podgangs, Resources.pods].map((r) =>
    kube.list(r)
  ),
);
console.log(lists.map((l) => l.items.length).join(" "));
