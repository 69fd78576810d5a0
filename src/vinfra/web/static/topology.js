// The topology map (cytoscape): switches and hosts, links coloured by state (up, blocked by spanning tree,
// failed), a channel as one edge, a VLAN filter that highlights the edges carrying a VLAN. A design with
// more than GROUP_OVER nodes opens grouped (one node per cluster and per switch role, edges summed); a
// group expands on click. Clicking a switch or host calls onPick(name) (the what-if).
export const GROUP_OVER = 300;
const COLOURS = { up: "#1a7f37", blocked: "#9a5b00", failed: "#c00" };

function groupedElements(topo) {
  const groupOf = new Map(topo.nodes.map((n) => [n.id, n.group]));
  const groups = new Map();
  for (const n of topo.nodes) groups.set(n.group, (groups.get(n.group) || 0) + 1);
  const nodes = [...groups].map(([g, count]) => ({ data: { id: g, label: `${g} (${count})`, kind: "group" } }));
  const edges = new Map();
  for (const e of topo.edges) {
    const a = groupOf.get(e.source), b = groupOf.get(e.target);
    if (a === b) continue;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const got = edges.get(key) || { data: { id: key, source: a, target: b, count: 0, state: "up", vlans: [] } };
    got.data.count += 1;
    if (e.state !== "up") got.data.state = e.state;
    edges.set(key, got);
  }
  return [...nodes, ...[...edges.values()].map((e) => ({ data: { ...e.data, label: `${e.data.count} links` } }))];
}

function fullElements(topo) {
  return [
    ...topo.nodes.map((n) => ({ data: { id: n.id, label: n.id, kind: n.kind } })),
    ...topo.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, state: e.state,
      vlans: e.vlans, label: e.channel ? `${e.channel} (${e.members})` : "", why: e.why || "" } })),
  ];
}

export function renderTopology(container, topo, onPick) {
  container.replaceChildren();
  const bar = document.createElement("div");
  const vlans = [...new Set(topo.edges.flatMap((e) => e.vlans))].sort((a, b) => a - b);
  const grouped = topo.nodes.length > GROUP_OVER;
  bar.innerHTML = `<label for="vlan-filter">Highlight VLAN</label> <select id="vlan-filter"><option value="">none</option>${
    vlans.map((v) => `<option value="${v}">${v}</option>`).join("")}</select>
    <span class="legend"><span style="color:${COLOURS.up}">━ up</span><span style="color:${COLOURS.blocked}">┅ blocked</span><span style="color:${COLOURS.failed}">━ failed</span></span>
    <span id="topo-mode">${grouped ? `grouped: ${topo.nodes.length} nodes` : `${topo.nodes.length} nodes, ${topo.edges.length} links`}</span>`;
  const box = document.createElement("div");
  box.id = "cy"; box.setAttribute("role", "img");
  box.setAttribute("aria-label", `topology map: ${topo.nodes.length} devices, ${topo.edges.length} links`);
  container.append(bar, box);
  const cy = window.cytoscape({
    container: box, elements: grouped ? groupedElements(topo) : fullElements(topo),
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#557" } },
      { selector: "node[kind='switch']", style: { shape: "round-rectangle", "background-color": "#1d3b5a" } },
      { selector: "node[kind='group']", style: { shape: "round-rectangle", "background-color": "#889" } },
      { selector: "edge", style: { width: 2, "curve-style": "bezier", "line-color": COLOURS.up, label: "data(label)", "font-size": 8 } },
      { selector: "edge[state='blocked']", style: { "line-color": COLOURS.blocked, "line-style": "dashed" } },
      { selector: "edge[state='failed']", style: { "line-color": COLOURS.failed } },
      { selector: ".vlan", style: { width: 6, "line-color": "#0b63ff" } },
      { selector: ".faded", style: { opacity: 0.2 } },
    ],
    layout: { name: grouped ? "circle" : "breadthfirst", roots: grouped ? undefined : topo.nodes.filter((n) => n.kind === "switch" && n.role === "core").map((n) => n.id) },
  });
  cy.on("tap", "node", (evt) => {
    const d = evt.target.data();
    if (d.kind === "group") {
      const members = new Set(topo.nodes.filter((n) => n.group === d.id).map((n) => n.id));
      const edges = topo.edges.filter((e) => members.has(e.source) || members.has(e.target));
      edges.forEach((e) => { members.add(e.source); members.add(e.target); });
      const sub = { nodes: topo.nodes.filter((n) => members.has(n.id)), edges };
      renderTopology(container, sub, onPick);
    } else onPick(d.id);
  });
  bar.querySelector("#vlan-filter").addEventListener("change", (e) => {
    const v = Number(e.target.value);
    cy.elements().removeClass("vlan faded");
    if (!e.target.value) return;
    cy.edges().forEach((ed) => ed.addClass((ed.data("vlans") || []).includes(v) ? "vlan" : "faded"));
  });
  window.vinfraCy = cy; // for the browser tests
  return cy;
}
