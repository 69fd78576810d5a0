// The topology map (cytoscape): switches and hosts, links coloured by state (see vinfra.web.api.topology_of):
// up, partly (spanning tree blocks some of the VLANs the link carries, or a channel lost members), blocked
// (spanning tree or BPDU guard: no VLAN crosses) and failed; a channel is one edge. Hovering or focusing a
// link shows why (the VLANs blocked, the members down). A VLAN filter highlights the links that forward a
// VLAN and marks those that carry it but block it. A design with more than GROUP_OVER nodes opens grouped
// (one node per cluster and per switch role, links summed); a group expands on click. Clicking a switch,
// host or link calls onPick(elements, label) (the what-if).
export const GROUP_OVER = 300;
export const STATES = {
  up: { colour: "#1a7f37", dash: "solid", text: "up" },
  partly: { colour: "#7a3fbf", dash: "dotted", text: "partly blocked or degraded" },
  blocked: { colour: "#b35900", dash: "dashed", text: "blocked by spanning tree" },
  failed: { colour: "#c00000", dash: "solid", text: "failed" },
};

function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

function groupedElements(topo) {
  const groupOf = new Map(topo.nodes.map((n) => [n.id, n.group]));
  const groups = new Map();
  for (const n of topo.nodes) groups.set(n.group, (groups.get(n.group) || 0) + 1);
  // rings: core switches in the middle, then the other switch roles, clusters (and standalone hosts) outside
  const ring = (g) => (g === "switches:core" ? 4 : g === "switches:distribution" || g === "switches:spine" ? 3 : g.startsWith("switches:") ? 2 : 1);
  const nodes = [...groups].map(([g, count]) => ({ data: { id: g, count, ring: ring(g),
    label: `${g.startsWith("switches:") ? `${g.slice(9)} switches` : g.slice(8) === "-" ? "standalone hosts" : g.slice(8)} (${count})`, kind: "group" } }));
  const edges = new Map();
  for (const e of topo.edges) {
    const a = groupOf.get(e.source), b = groupOf.get(e.target);
    if (a === b) continue;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const got = edges.get(key) || { data: { id: key, source: a, target: b, count: 0, by: {}, vlans: [] } };
    got.data.count += 1;
    got.data.by[e.state] = (got.data.by[e.state] || 0) + 1;
    edges.set(key, got);
  }
  return [...nodes, ...[...edges.values()].map(({ data }) => {
    const states = Object.keys(data.by);
    // a bundle of links is in one state when all agree; mixed states draw as "partly"
    const state = states.length === 1 ? states[0] : "partly";
    const detail = Object.entries(data.by).map(([s, n]) => `${n} ${STATES[s].text}`).join(", ");
    return { data: { ...data, state, label: plural(data.count, "link"), why: detail } };
  })];
}

function fullElements(topo) {
  return [
    ...topo.nodes.map((n) => ({ data: { id: n.id, label: n.id, kind: n.kind } })),
    ...topo.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, state: e.state,
      vlans: e.vlans, blocked: e.blocked_vlans || [], links: e.links || [],
      label: e.channel ? `${e.channel.split(":").pop()} (${e.members})` : "", why: e.why || "", channel: e.channel || "" } })),
  ];
}

// "10,20-29": how the VLANs of a tooltip read
export function vlanText(vlans) {
  const out = [];
  for (let i = 0; i < vlans.length; i++) {
    let j = i;
    while (j + 1 < vlans.length && vlans[j + 1] === vlans[j] + 1) j++;
    out.push(j > i ? `${vlans[i]}-${vlans[j]}` : String(vlans[i]));
    i = j;
  }
  return out.join(",");
}

function edgeText(d) {
  const name = d.channel || d.id;
  const head = `${name}: ${STATES[d.state] ? STATES[d.state].text : d.state}`;
  // the server's why names the VLANs blocked and the members down; without one, the VLANs themselves
  if (d.why) return `${head} — ${d.why}`;
  return (d.blocked || []).length ? `${head} — blocked in VLAN ${vlanText(d.blocked)}` : head;
}

function legend() {
  const out = document.createElement("ul");
  out.className = "legend";
  out.setAttribute("aria-label", "link states");
  for (const [state, s] of Object.entries(STATES)) {
    const li = document.createElement("li");
    li.dataset.state = state;
    li.innerHTML = `<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" stroke="${s.colour}"
      stroke-width="${state === "partly" ? 4 : 3}" ${s.dash === "dashed" ? 'stroke-dasharray="8 4"' : s.dash === "dotted" ? 'stroke-dasharray="2 3"' : ""}/></svg> ${s.text}`;
    out.append(li);
  }
  return out;
}

// layers as a network diagram draws them: core switches on top, then distribution/spine, then the other
// switches, then hosts; a layer wider than the map wraps into more rows, so labels never overlap
const LAYER = { core: 0, distribution: 1, spine: 1 };
function layeredPositions(nodes, width) {
  const layers = [[], [], [], []];
  for (const n of nodes) layers[n.kind === "host" ? 3 : LAYER[n.role] ?? 2].push(n.id);
  const cell = 120, cols = Math.max(4, Math.floor(width / cell));
  const out = {};
  let y = 0;
  for (const ids of layers) {
    if (!ids.length) continue;
    ids.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    ids.forEach((id, i) => {
      const row = Math.floor(i / cols), inRow = Math.min(cols, ids.length - row * cols);
      out[id] = { x: ((i % cols) + 0.5) * ((cols * cell) / inRow), y: y + row * 70 }; // each row centred
    });
    y += Math.ceil(ids.length / cols) * 70 + 70;
  }
  return out;
}

export function renderTopology(container, topo, onPick, onBack) {
  container.replaceChildren();
  const bar = document.createElement("div");
  bar.className = "toolbar";
  const vlans = [...new Set(topo.edges.flatMap((e) => e.vlans))].sort((a, b) => a - b);
  const grouped = topo.nodes.length > GROUP_OVER;
  const counts = {};
  for (const e of topo.edges) counts[e.state] = (counts[e.state] || 0) + 1;
  bar.innerHTML = `<label for="vlan-filter">Highlight VLAN</label> <select id="vlan-filter"${grouped ? " disabled" : ""}><option value="">none</option>${
    vlans.map((v) => `<option value="${v}">${v}</option>`).join("")}</select>
    <span id="topo-mode">${grouped
    ? `grouped: ${topo.nodes.length} devices in ${new Set(topo.nodes.map((n) => n.group)).size} groups — click a group to open it`
    : `${plural(topo.nodes.length, "device")}, ${plural(topo.edges.length, "link")}${Object.entries(counts).filter(([s]) => s !== "up")
      .map(([s, n]) => ` · ${n} ${STATES[s] ? STATES[s].text : s}`).join("")}`}</span>`;
  if (onBack) {
    const back = document.createElement("button");
    back.type = "button"; back.textContent = "Back to all groups"; back.addEventListener("click", onBack);
    bar.append(" ", back);
  }
  bar.append(legend());
  const box = document.createElement("div");
  box.id = "cy"; box.setAttribute("role", "img");
  box.setAttribute("aria-label", `topology map: ${topo.nodes.length} devices, ${topo.edges.length} links`);
  const tip = document.createElement("div");
  tip.id = "edge-tip"; tip.setAttribute("role", "tooltip"); tip.hidden = true;
  const wrap = document.createElement("div");
  wrap.className = "cy-wrap";
  wrap.append(box, tip);
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = grouped ? "Click a group to draw its devices." : "Click a switch, host or link to see what its failure would do; hover a link for its state.";
  container.append(bar, wrap, hint);
  const style = [
    { selector: "node", style: { label: "data(label)", "font-size": 11, "background-color": "#556", "text-valign": "bottom", "text-margin-y": 3,
      "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 1 } },
    { selector: "node[kind='switch']", style: { shape: "round-rectangle", "background-color": "#1d3b5a", width: 36, height: 22 } },
    { selector: "node[kind='group']", style: { shape: "round-rectangle", "background-color": "#889", width: 40, height: 24, "font-size": 12 } },
    { selector: "node[kind='group'][ring > 1]", style: { "background-color": "#1d3b5a", width: 70, height: 36, "font-size": 14 } },
    { selector: "edge", style: { width: 3, "curve-style": "bezier", "line-color": STATES.up.colour, label: "data(label)", "font-size": 9,
      "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
    { selector: "edge[state='partly']", style: { "line-color": STATES.partly.colour, "line-style": "dotted", width: 4 } },
    { selector: "edge[state='blocked']", style: { "line-color": STATES.blocked.colour, "line-style": "dashed" } },
    { selector: "edge[state='failed']", style: { "line-color": STATES.failed.colour } },
    { selector: ".vlan", style: { width: 7, "line-color": "#0b63ff", "line-style": "solid" } },
    { selector: ".vlan-blocked", style: { width: 5, "line-color": "#0b63ff", "line-style": "dashed" } },
    { selector: ".faded", style: { opacity: 0.2 } },
  ];
  // grouped: the switch groups in a row on top (core first), the clusters in a grid under them, in name
  // order, so 80 groups stay readable (a circle of 80 makes the labels unreadable)
  const gridPositions = (width) => {
    const els = groupedElements(topo).filter((e) => !e.data.source);
    const sw = els.filter((e) => e.data.ring > 1).sort((a, b) => b.data.ring - a.data.ring || a.data.id.localeCompare(b.data.id));
    const cl = els.filter((e) => e.data.ring === 1).sort((a, b) => a.data.id.localeCompare(b.data.id, "en", { numeric: true }));
    const cell = 130, cols = Math.max(4, Math.floor(width / cell));
    const out = {};
    sw.forEach((e, i) => { out[e.data.id] = { x: ((i + 0.5) * cols * cell) / sw.length, y: 0 }; });
    cl.forEach((e, i) => { out[e.data.id] = { x: (i % cols + 0.5) * cell, y: 160 + Math.floor(i / cols) * 70 }; });
    return out;
  };
  if (grouped) {
    style.push({ selector: "edge", style: { width: 1, opacity: 0.45, label: "" } },
      { selector: "edge:selected, edge.hover", style: { width: 3, opacity: 1 } });
  }
  const cy = window.cytoscape({
    container: box, elements: grouped ? groupedElements(topo) : fullElements(topo), style, maxZoom: 1.6, minZoom: 0.02,
    layout: grouped
      ? { name: "preset", positions: gridPositions(box.clientWidth || 1000), fit: true, padding: 20 }
      : { name: "preset", positions: layeredPositions(topo.nodes, box.clientWidth || 1000), fit: true, padding: 30 },
  });
  // the state of each edge as classes too (the tests and the stylesheet read them)
  cy.edges().forEach((e) => e.addClass(`link-${e.data("state")}`));
  const show = (evt) => {
    const d = evt.target.data();
    tip.textContent = edgeText(d);
    const p = evt.renderedPosition || evt.target.renderedMidpoint();
    tip.style.left = `${Math.min(p.x + 12, box.clientWidth - 260)}px`;
    tip.style.top = `${p.y + 12}px`;
    tip.hidden = false;
  };
  cy.on("mouseover", "edge", (evt) => { evt.target.addClass("hover"); show(evt); });
  cy.on("mouseout", "edge", (evt) => { evt.target.removeClass("hover"); tip.hidden = true; });
  cy.on("tap", "node", (evt) => {
    const d = evt.target.data();
    if (d.kind === "group") {
      const members = new Set(topo.nodes.filter((n) => n.group === d.id).map((n) => n.id));
      const edges = topo.edges.filter((e) => members.has(e.source) || members.has(e.target));
      edges.forEach((e) => { members.add(e.source); members.add(e.target); });
      const sub = { nodes: topo.nodes.filter((n) => members.has(n.id)), edges };
      renderTopology(container, sub, onPick, () => renderTopology(container, topo, onPick, onBack));
    } else onPick([d.id], d.id);
  });
  cy.on("tap", "edge", (evt) => {
    const d = evt.target.data();
    if (d.links && d.links.length) onPick(d.links, d.channel || d.id);
  });
  bar.querySelector("#vlan-filter").addEventListener("change", (e) => {
    const v = Number(e.target.value);
    cy.elements().removeClass("vlan vlan-blocked faded");
    if (!e.target.value) return;
    cy.edges().forEach((ed) => {
      const carried = (ed.data("vlans") || []).includes(v);
      const blocked = ed.data("state") === "failed" || (ed.data("blocked") || []).includes(v);
      ed.addClass(!carried ? "faded" : blocked ? "vlan-blocked" : "vlan");
    });
  });
  window.vinfraCy = cy; // for the browser tests
  return cy;
}
