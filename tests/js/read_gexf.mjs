// Read a GEXF file with graphology-gexf (the parser of Gephi Lite) and print, as JSON,
// what tests/test_export.py compares with networkx: node and edge counts, nodes per `type`
// attribute, the graph type, a sample label, and SHA-256 digests of the sorted node lines
// ("id\tlabel\ttype") and edge lines ("source\ttarget", ends sorted when undirected).
//
//   node tests/js/read_gexf.mjs FILE.gexf [NODE_ID]
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import Graph from "graphology";
import gexf from "graphology-gexf";

const [file, sampleId] = process.argv.slice(2);
if (!file) {
  console.error("usage: node read_gexf.mjs FILE.gexf [NODE_ID]");
  process.exit(2);
}
const graph = gexf.parse(Graph, readFileSync(file, "utf8"));

const digest = (lines) =>
  createHash("sha256").update(lines.sort().join("\n"), "utf8").digest("hex");

const types = {};
const nodeLines = [];
graph.forEachNode((id, attrs) => {
  types[attrs.type] = (types[attrs.type] ?? 0) + 1;
  nodeLines.push(`${id}\t${attrs.label}\t${attrs.type}`);
});
const edgeLines = [];
graph.forEachEdge((edge, attrs, source, target, sa, ta, undirected) => {
  const ends = undirected ? [source, target].sort() : [source, target];
  edgeLines.push(ends.join("\t"));
});

const sample = sampleId ?? graph.nodes()[0];
console.log(
  JSON.stringify({
    nodes: graph.order,
    edges: graph.size,
    graph_type: graph.type,
    multi: graph.multi,
    types,
    sample: { id: sample, label: graph.getNodeAttribute(sample, "label") ?? null },
    node_digest: digest(nodeLines),
    edge_digest: digest(edgeLines),
  }),
);
