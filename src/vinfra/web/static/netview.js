// A host's networking view drawn as the vSphere client draws it: per vSwitch, port groups (VLAN, ports) on
// the left, physical adapters (state, the switch port each is cabled to: mode, allowed VLANs, native VLAN)
// on the right, and a line from each port group to each uplink coloured by the uplink's teaming role for
// that port group (active / standby / unused). The selected port group's lines are drawn bold and each
// uplink shows its role for it. A finding on a port group or an uplink marks it (red outline and "!").
const NS = "http://www.w3.org/2000/svg";
// the drawing's columns: port groups, the role lines, physical adapters
const W = 1000, PGX = 10, PGW = 380, UPX = 600, UPW = 390;

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function switchPortText(sp) {
  if (!sp) return "not cabled";
  if (sp.mode === "trunk") return `${sp.port} trunk, allowed ${sp.allowed_vlans}, native ${sp.native_vlan}`;
  if (sp.mode === "access") return `${sp.port} access VLAN ${sp.access_vlan}`;
  return `${sp.port} ${sp.mode}`;
}

export function drawSwitch(sw, onSelect, selected = 0) {
  const rowH = (pg) => 34 + 16 * pg.ports.length;
  const leftH = sw.portgroups.reduce((s, pg) => s + rowH(pg) + 8, 0);
  const upH = 74;
  const height = Math.max(leftH, sw.uplinks.length * (upH + 8)) + 40;
  const svg = el("svg", { class: "netview", width: W, height, viewBox: `0 0 ${W} ${height}`, role: "group",
    "aria-label": `${sw.name} on ${sw.host}: ${sw.summary}`, "data-switch": sw.name });
  svg.appendChild(el("text", { x: 10, y: 18, "font-weight": "bold" }, `${sw.name} · ${sw.summary}`));
  const upY = sw.uplinks.map((_, i) => 30 + i * (upH + 8));
  let y = 30;
  const pgY = [];
  sw.portgroups.forEach((pg) => { pgY.push(y); y += rowH(pg) + 8; });
  // lines first, under the boxes
  sw.portgroups.forEach((pg, i) => {
    sw.uplinks.forEach((up, j) => {
      const role = pg.roles[j];
      svg.appendChild(el("line", { class: `role ${role}${i === selected ? " sel" : ""}`, x1: PGX + PGW, y1: pgY[i] + 16,
        x2: UPX, y2: upY[j] + 20, "data-pg": pg.label, "data-uplink": up.name, "data-role": role }));
    });
  });
  sw.portgroups.forEach((pg, i) => {
    const g = el("g", { class: `pg${i === selected ? " selected" : ""}${pg.findings.length ? " has-finding" : ""}`,
      tabindex: 0, role: "button", "aria-pressed": String(i === selected),
      "data-portgroup": pg.label, "data-vlan": pg.vlan, "data-findings": pg.findings.map((f) => f.code).join(" ") });
    g.appendChild(el("rect", { x: PGX, y: pgY[i], width: PGW, height: rowH(pg), rx: 4 }));
    g.appendChild(el("text", { x: 20, y: pgY[i] + 18, "font-weight": "bold" }, `${pg.label} · ${pg.vlan}`));
    pg.ports.forEach((p, k) => g.appendChild(el("text", { x: 30, y: pgY[i] + 36 + 16 * k }, `${p.name}  ${p.detail}`)));
    if (pg.findings.length) {
      g.appendChild(el("text", { class: "mark", x: PGX + PGW - 18, y: pgY[i] + 18 }, "!"));
      g.appendChild(el("title", {}, pg.findings.map((f) => `${f.code} ${f.rule}: ${f.message}`).join("\n")));
    }
    g.addEventListener("click", () => onSelect(i));
    g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(i); } });
    svg.appendChild(g);
  });
  const sel = sw.portgroups[selected];
  sw.uplinks.forEach((up, j) => {
    const role = sel ? sel.roles[j] : "unused";
    const g = el("g", { class: `uplink${up.findings.length ? " has-finding" : ""}${up.state === "down" ? " down" : ""}`,
      "data-uplink": up.name, "data-role": role, "data-switch-port": up.switch_port ? up.switch_port.port : "",
      "data-findings": up.findings.map((f) => f.code).join(" ") });
    g.appendChild(el("rect", { x: UPX, y: upY[j], width: UPW, height: upH, rx: 4 }));
    g.appendChild(el("text", { x: UPX + 10, y: upY[j] + 16, "font-weight": "bold" },
      `${up.name}${up.speed ? ` ${up.speed} Mb/s` : ""} · ${up.state || "-"} · ${role}`));
    // the switch port on two lines (port and mode, then its VLANs): a long allowed list stays inside the box
    const sp = el("text", { x: UPX + 10, y: upY[j] + 33, class: "sp" });
    const full = (up.switch_port ? switchPortText(up.switch_port) : up.note) || "not cabled";
    const cut = full.indexOf(", allowed ") >= 0 ? full.indexOf(", allowed ") + 1 : full.indexOf(" access VLAN ");
    if (cut > 0) {
      sp.appendChild(el("tspan", {}, full.slice(0, cut)));
      sp.appendChild(el("tspan", { x: UPX + 22, dy: 16 }, full.slice(cut)));
    } else sp.textContent = full;
    g.appendChild(sp);
    if (up.down_reason) g.appendChild(el("text", { x: UPX + 10, y: upY[j] + 67, class: "why" }, up.down_reason));
    if (up.findings.length) {
      g.appendChild(el("text", { class: "mark", x: UPX + UPW - 14, y: upY[j] + 16 }, "!"));
      g.appendChild(el("title", {}, up.findings.map((f) => `${f.code} ${f.rule}: ${f.message}`).join("\n")));
    }
    svg.appendChild(g);
  });
  return svg;
}

// the teaming roles' line styles, as the drawing uses them (svg.netview line.* in app.css)
function roleLegend() {
  const ul = document.createElement("ul");
  ul.className = "legend";
  ul.setAttribute("aria-label", "teaming roles");
  for (const [role, dash, colour] of [["active", "", "#1a7f37"], ["standby", "6 4", "#9a5b00"], ["unused", "2 4", "#999"]]) {
    const li = document.createElement("li");
    li.innerHTML = `<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" stroke="${colour}" stroke-width="3"${dash ? ` stroke-dasharray="${dash}"` : ""}/></svg> ${role}`;
    ul.append(li);
  }
  return ul;
}

export function renderNetworking(container, data) {
  container.replaceChildren(roleLegend());
  for (const sw of data.switches) {
    const holder = document.createElement("div");
    holder.className = "card";
    const draw = (sel) => {
      holder.replaceChildren(drawSwitch(sw, (i) => { draw(i); holder.querySelector(`[data-portgroup="${CSS.escape(sw.portgroups[i].label)}"]`).focus(); }, sel));
      const list = document.createElement("ul");
      for (const pg of sw.portgroups) for (const f of pg.findings) {
        const li = document.createElement("li"); li.className = `finding-${f.severity}`;
        li.textContent = `${pg.label}: ${f.code} ${f.rule} — ${f.message}`; list.appendChild(li);
      }
      for (const up of sw.uplinks) for (const f of up.findings) {
        const li = document.createElement("li"); li.className = `finding-${f.severity}`;
        li.textContent = `${up.name}: ${f.code} ${f.rule} — ${f.message}`; list.appendChild(li);
      }
      if (list.children.length) holder.appendChild(list);
    };
    draw(0);
    container.appendChild(holder);
  }
}
