// The vinfra web client: login, inventory tree, summary pages, host networking view, topology, findings,
// what-if, operations and live tasks/events. Uses only the server's REST API (see vinfra.web.api for the
// client's own read-only views).
import * as api from "./api.js";
import { renderNetworking } from "./netview.js";
import { renderTopology, vlanText } from "./topology.js";

const $ = (sel) => document.querySelector(sel);
const panel = () => $("#panel");
let current = null; // {section, name}
let pageRefresh = null; // the shown page's refresh when a task ends (the DRS list)
let streamAbort = null;

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined && v !== null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function table(caption, cols, rows) {
  return h("table", {}, h("caption", { class: "sr" }, caption),
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

function showError(where, e) { where.append(h("p", { class: "error", role: "alert" }, e.message)); }

// login ------------------------------------------------------------------------------------------------
async function start() {
  $("#login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("#login-error").textContent = "";
    try { await api.login($("#username").value, $("#password").value); enter(); }
    catch (e) { $("#login-error").textContent = e.message; }
  });
  $("#logout").addEventListener("click", async () => { if (streamAbort) streamAbort.abort(); await api.logout(); location.reload(); });
  setupTabs();
  if (api.loggedIn()) enter();
}

async function enter() {
  $("#login-view").hidden = true; $("#app").hidden = false; $("#logout").hidden = false;
  $("#who").textContent = `${api.session.user} (${api.session.role})`;
  await buildTree();
  startLive();
  $("#tree button")?.focus();
}

// tabs ---------------------------------------------------------------------------------------------------
function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => selectTab(t.dataset.view));
    t.addEventListener("keydown", (e) => {
      const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (d) { const n = tabs[(i + d + tabs.length) % tabs.length]; n.focus(); selectTab(n.dataset.view); }
    });
  });
}

function selectTab(view) {
  for (const t of document.querySelectorAll("[role=tab]")) {
    const on = t.dataset.view === view;
    t.setAttribute("aria-selected", String(on)); t.tabIndex = on ? 0 : -1;
    if (on) panel().setAttribute("aria-labelledby", t.id);
  }
  if (view !== "summary") pageRefresh = null;
  if (view === "summary") return current ? open(current.section, current.name) : panel().replaceChildren(h("p", { class: "hint" }, "Select an object in the inventory on the left."));
  if (view === "topology") return showTopology();
  if (view === "findings") return showFindings();
}

// inventory tree -------------------------------------------------------------------------------------------
function leaf(section, name, label = name) {
  return h("li", {}, h("button", { type: "button", "data-section": section, "data-name": name,
    onclick: () => { selectTab("summary"); open(section, name); } }, label));
}

function folder(label, children, openIt = false) {
  return h("li", {}, h("details", { open: openIt }, h("summary", {}, label), h("ul", {}, children)));
}

async function buildTree() {
  const [clusters, hosts, vms, templates, switches, datastores, dvs, nets] = await Promise.all([
    api.all("clusters"), api.all("hosts"), api.all("vms"), api.all("templates"), api.all("switches"),
    api.all("datastores"), api.all("dvswitches"), api.get("/api/vcenter/network")]);
  const vmsOf = new Map();
  for (const vm of vms) { if (!vmsOf.has(vm.host)) vmsOf.set(vm.host, []); vmsOf.get(vm.host).push(vm); }
  const hostNode = (hst) => {
    const mine = vmsOf.get(hst.name) || [];
    const li = h("li", {}, h("button", { type: "button", "data-section": "hosts", "data-name": hst.name,
      onclick: () => { selectTab("summary"); open("hosts", hst.name); } }, hst.name));
    if (mine.length) {
      // VMs are built when the host's list is opened: 2,000 VMs do not slow the first paint
      const d = h("details", {}, h("summary", {}, `${mine.length} VMs`), h("ul", {}));
      d.addEventListener("toggle", () => {
        const ul = d.querySelector("ul");
        if (d.open && !ul.children.length) ul.append(...mine.map((vm) => leaf("vms", vm.name)));
      }, { once: false });
      li.append(d);
    }
    return li;
  };
  const byCluster = new Map();
  for (const hst of hosts) { const c = hst.cluster || ""; if (!byCluster.has(c)) byCluster.set(c, []); byCluster.get(c).push(hst); }
  const clusterNodes = clusters.map((c) => h("li", {},
    h("button", { type: "button", "data-section": "clusters", "data-name": c.name,
      onclick: () => { selectTab("summary"); open("clusters", c.name); } }, c.name),
    h("details", { open: hosts.length <= 50 }, h("summary", {}, `${(byCluster.get(c.name) || []).length} hosts`),
      h("ul", {}, (byCluster.get(c.name) || []).map(hostNode)))));
  const standalone = (byCluster.get("") || []).map(hostNode);
  const root = h("ul", { class: "root" },
    folder("Hosts and Clusters", [...clusterNodes, ...standalone], true),
    folder("VMs and Templates", [folder(`VMs (${vms.length})`, vms.length <= 200 ? vms.map((v) => leaf("vms", v.name)) : [h("li", {}, "open a host to list its VMs")]),
      folder(`Templates (${templates.length})`, templates.map((t) => leaf("templates", t.name)))]),
    folder("Networks", nets.map((n) => h("li", {}, n.name))),
    folder("Storage", datastores.map((d) => leaf("datastores", d.name))),
    folder("Switches", [...switches.map((s) => leaf("switches", s.name)), ...dvs.map((d) => leaf("dvswitches", d.name))]),
  );
  $("#tree").replaceChildren(h("h2", { class: "sr" }, "Inventory"), root);
}

// summary pages ------------------------------------------------------------------------------------------
let opening = 0; // the latest open(): an older one still loading drops its page

async function open(section, name) {
  current = { section, name };
  pageRefresh = null;
  const mine = ++opening;
  for (const b of document.querySelectorAll("#tree button[aria-current]")) b.removeAttribute("aria-current");
  document.querySelector(`#tree button[data-section="${section}"][data-name="${CSS.escape(name)}"]`)?.setAttribute("aria-current", "true");
  const p = h("div", {}, h("h2", {}, `${section.replace(/s$/, "")} ${name}`));
  panel().replaceChildren(h("p", {}, `loading ${name}…`));
  try {
    const obj = await api.get(`/${section}/${encodeURIComponent(name)}`);
    if (section === "hosts") await hostPage(p, obj);
    else if (section === "vms") await vmPage(p, obj);
    else if (section === "switches") switchPage(p, obj);
    else if (section === "clusters") await clusterPage(p, obj);
    else p.append(h("pre", { class: "card" }, JSON.stringify(obj, null, 2)));
    p.append(whatIfButton(name));
  } catch (e) { showError(p, e); }
  if (mine === opening) panel().replaceChildren(...p.childNodes);
}

async function hostPage(p, host) {
  const [vms, alarms, net] = await Promise.all([api.all("vms", `&host=${encodeURIComponent(host.name)}&view=full`),
    api.get("/alarms?status=red&limit=1000"), api.get(`/web/hosts/${encodeURIComponent(host.name)}/networking`)]);
  const cpu = host.cpu || {};
  const mhz = (cpu.sockets || 1) * (cpu.cores || 0) * (cpu.mhz || 0);
  const vcpus = vms.filter((v) => v.power === "on").reduce((s, v) => s + ((v.cpu && v.cpu.vcpus) || 0), 0);
  const mem = vms.filter((v) => v.power === "on").reduce((s, v) => s + (v.memory_gb || 0), 0);
  p.append(h("section", { class: "card", "aria-label": "host summary" },
    h("p", {}, `${host.product || "ESXi"} ${host.version || ""} · cluster ${host.cluster || "-"} · state ${host.state}`),
    h("p", {}, `CPU: ${vcpus} vCPUs powered on${mhz ? ` over ${mhz} MHz` : ""} · Memory: ${mem} GB of ${host.memory_gb ?? "?"} GB allocated`),
    h("h3", {}, "VMs"), table("VMs on the host", ["VM", "power", "vCPUs", "memory GB"],
      vms.map((v) => [h("button", { type: "button", onclick: () => open("vms", v.name) }, v.name), v.power, (v.cpu && v.cpu.vcpus) ?? "", v.memory_gb ?? ""])),
    h("h3", {}, "Alarms"), h("ul", {}, alarms.results.filter((a) => JSON.stringify(a).includes(host.name)).map((a) => h("li", {}, `${a.code || ""} ${a.message || ""}`)))));
  if (api.canConfigure()) {
    const msg = h("p", { id: "op-result", role: "status" });
    const path = `/hosts/${encodeURIComponent(host.name)}/maintenance`;
    p.append(h("section", { class: "card", "aria-label": "operations" }, h("h3", {}, "Operations"),
      h("button", { type: "button", onclick: () => submit(path, undefined, msg) }, "Enter maintenance mode"), " ",
      h("button", { type: "button", onclick: () => submit(path, undefined, msg, "DELETE") }, "Exit maintenance mode"), msg));
  }
  const holder = h("section", { "aria-label": "networking", id: "networking" }, h("h3", {}, "Networking"));
  p.append(holder);
  const box = h("div", {});
  holder.append(box);
  renderNetworking(box, net);
}

async function vmPage(p, vm) {
  const net = await api.get(`/web/hosts/${encodeURIComponent(vm.host)}/networking`);
  const rows = (vm.nics || []).map((nic, k) => {
    const label = (vm.nics.length === 1) ? vm.name : `${vm.name} nic${k + 1}`;
    for (const sw of net.switches) for (const pg of sw.portgroups) {
      if (!pg.ports.some((pt) => pt.name === label)) continue;
      const inUse = sw.uplinks.filter((_, j) => pg.roles[j] === "active");
      return [nic.network, pg.vlan, inUse.map((u) => u.name).join(", "), inUse.map((u) => u.switch_port ? u.switch_port.port : u.note).join(", ")];
    }
    return [nic.network, "-", "-", "-"];
  });
  p.append(h("section", { class: "card", "aria-label": "VM summary" },
    h("p", {}, `on ${vm.host} · power ${vm.power} · ${(vm.cpu && vm.cpu.vcpus) ?? "?"} vCPUs · ${vm.memory_gb ?? "?"} GB`),
    h("h3", {}, "NICs"), table("NICs", ["port group", "VLAN", "uplinks in use", "switch ports"], rows)));
  if (api.canOperate()) p.append(await vmOperations(vm));
}

async function vmOperations(vm) {
  const out = h("section", { class: "card", "aria-label": "operations" }, h("h3", {}, "Operations"));
  const msg = h("p", { id: "op-result", role: "status" });
  const power = (action) => h("button", { type: "button", onclick: () => submit(`/vms/${encodeURIComponent(vm.name)}/power`, { action }, msg) }, `Power ${action}`);
  const hosts = await api.all("hosts");
  const select = h("select", { id: "migrate-host" }, hosts.filter((x) => x.name !== vm.host).map((x) => h("option", { value: x.name }, x.name)));
  const checks = h("div", { id: "vmotion-checks", "aria-live": "polite" });
  const check = async () => {
    checks.replaceChildren();
    try {
      const r = await api.post("/web/vmotion-check", { vm: vm.name, host: select.value });
      checks.append(h("p", { class: r.ok ? "ok" : "error" }, r.ok ? `vMotion checks pass (estimate ${r.estimate ? r.estimate.total_s.toFixed(1) : "?"} s)` : "vMotion refused:"),
        h("ul", {}, r.faults.map((f) => h("li", { class: "error" }, `${f.fault}: ${f.message}`)), r.warnings.map((w) => h("li", {}, typeof w === "string" ? w : `${w.fault || ""} ${w.message || ""}`))));
    } catch (e) { showError(checks, e); }
  };
  select.addEventListener("change", check);
  out.append(h("div", {}, power("on"), " ", power("off"), " ", power("reset")),
    h("div", {}, h("label", { for: "migrate-host" }, "Migrate to host "), select, " ",
      h("button", { type: "button", onclick: check }, "Check vMotion"), " ",
      h("button", { type: "button", onclick: () => submit(`/vms/${encodeURIComponent(vm.name)}/migrate`, { host: select.value }, msg) }, "Migrate")),
    checks, msg);
  check();
  return out;
}

async function submit(path, body, msg, method = "POST") {
  msg.className = ""; msg.textContent = "submitting…";
  try { const t = await api.call(method, path, body); msg.textContent = `task ${t.id} submitted`; refreshTasks(); }
  catch (e) { msg.className = "error"; msg.textContent = `refused: ${e.message}`; }
}

async function clusterPage(p, cl) {
  const drs = cl.drs || {}, ha = cl.ha || {};
  const ac = ha.admission_control || {};
  const hosts = await api.all("hosts", `&cluster=${encodeURIComponent(cl.name)}`).catch(() => []);
  p.append(h("section", { class: "card", "aria-label": "cluster summary" },
    dl([["Hosts", String(hosts.filter((x) => x.cluster === cl.name).length || "-")],
      ["DRS", drs.enabled ? `on · ${drs.automation || "fully"} automated · migration threshold ${drs.threshold ?? 3}` : "off"],
      ["HA", ha.enabled ? `on · admission control ${ac.policy || "-"}${ac.value !== undefined ? ` ${ac.value}` : ""}` : "off"],
      ["EVC", cl.evc || "off"],
      ["Rules", (cl.rules || []).map((r) => `${r.name} (${r.type})`).join(", ") || "none"]])));
  p.append(await drsPanel(cl.name));
}

// a <dl> of label/value pairs: summary pages read as the vSphere Client's "Summary" portlets
function dl(pairs) {
  return h("dl", { class: "facts" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

const num = (x) => (x === null || x === undefined ? "-" : Number(x).toFixed(3));

// DRS: the recommendations the server's DRS pass makes now (GET /web/clusters/{name}/drs), listed before any
// is applied; "Apply" runs one as a vMotion task (POST /vms/{vm}/migrate, Operator and up), "Apply all" the
// cluster's DRS task (POST /clusters/{name}/drs, Administrator). The list refreshes when a task ends.
async function drsPanel(cluster) {
  const box = h("section", { class: "card", id: "drs", "aria-labelledby": "drs-title" });
  const msg = h("p", { id: "op-result", role: "status" });
  const load = async () => {
    let r;
    try { r = await api.get(`/web/clusters/${encodeURIComponent(cluster)}/drs`); }
    catch (e) { box.replaceChildren(h("h3", { id: "drs-title" }, "DRS recommendations")); showError(box, e); box.append(msg); return; }
    const im = r.imbalance || {};
    const recs = r.recommendations || [];
    const rows = recs.map((x, i) => h("tr", { "data-vm": x.vm },
      h("td", {}, String(x.priority)), h("td", {}, x.vm), h("td", {}, x.from), h("td", {}, x.to), h("td", {}, x.reason),
      h("td", {}, x.automatic ? "yes" : "no"),
      api.canOperate() ? h("td", {}, h("button", { type: "button", "aria-label": `Apply: migrate ${x.vm} from ${x.from} to ${x.to}`,
        onclick: () => submit(`/vms/${encodeURIComponent(x.vm)}/migrate`, { host: x.to }, msg) }, "Apply")) : null));
    box.replaceChildren(h("h3", { id: "drs-title" }, "DRS recommendations"),
      h("p", { id: "drs-imbalance" }, `Cluster imbalance ${num(im.before)} now, ${num(im.after)} after these recommendations; `,
        `target ${im.target === null || im.target === undefined ? "none (one host)" : `≤ ${num(im.target)}`} at migration threshold ${r.threshold}.`),
      recs.length
        ? h("table", { id: "drs-recs" }, h("caption", { class: "sr" }, "DRS recommendations"),
          h("thead", {}, h("tr", {}, ["Priority", "VM", "From", "To", "Reason", "Automatic"].map((c) => h("th", { scope: "col" }, c)),
            api.canOperate() ? h("th", { scope: "col" }, h("span", { class: "sr" }, "Action")) : null)),
          h("tbody", {}, rows))
        : h("p", { id: "drs-none" }, im.before !== undefined && im.target !== null && im.before > im.target
          ? "No recommendations: no move DRS may make lowers the imbalance (rules, capacity or HA admission control keep the VMs where they are)."
          : "No recommendations: the cluster is balanced."),
      (r.stuck || []).length ? h("p", { class: "error" }, `Cannot move: ${r.stuck.map((s) => `${s.vm} (${s.reason})`).join("; ")}`) : null,
      h("div", { class: "buttons" },
        api.canConfigure() && recs.length ? h("button", { type: "button", onclick: () => submit(`/clusters/${encodeURIComponent(cluster)}/drs`, { automatic_only: false }, msg) },
          "Apply all recommendations") : null,
        h("button", { type: "button", onclick: () => load() }, "Refresh")),
      msg);
  };
  await load();
  pageRefresh = load; // a finished task (any client's) refreshes the list
  return box;
}

function switchPage(p, sw) {
  const ifs = Object.entries(sw.interfaces || {});
  p.append(h("section", { class: "card", "aria-label": "switch summary" },
    h("p", {}, `${sw.platform || ""} · role ${sw.role || "-"} · ${ifs.length} interfaces`),
    table("interfaces", ["interface", "mode", "VLANs", "native"], ifs.map(([n, i]) => [n, i.mode || "access",
      i.mode === "trunk" ? String(i.allowed_vlans ?? "all") : String(i.vlan ?? ""), i.mode === "trunk" ? String(i.native_vlan ?? 1) : ""]))));
}

// what-if --------------------------------------------------------------------------------------------------
function whatIfButton(name) {
  return h("button", { type: "button", onclick: () => whatIf([name], name) }, `What if ${name} fails?`);
}

// fail `elements` (a device, an interface or the cables of a link) in the server's what-if: nothing changes
async function whatIf(elements, label = elements.join(", ")) {
  let box = $("#whatif");
  if (!box) { box = h("section", { id: "whatif", class: "card", "aria-live": "polite", "aria-label": "what-if" }); panel().prepend(box); }
  const title = () => h("h3", {}, `What if ${label} fails?`, " ", h("button", { type: "button", class: "close", "aria-label": "Close the what-if", onclick: () => box.remove() }, "×"));
  box.replaceChildren(title(), h("p", {}, "computing…"));
  box.scrollIntoView({ block: "nearest" });
  try {
    const r = await api.post("/whatif", { fail: elements });
    const lost = r.pairs.filter((x) => x.before && !x.after);
    const gained = r.pairs.filter((x) => !x.before && x.after);
    const raised = r.findings.appeared || [];
    box.replaceChildren(title(),
      h("p", { id: "pairs-lost", class: lost.length ? "error" : "ok" }, `${lost.length} pairs lost, ${gained.length} gained (${r.pairs_changed} changed)`),
      lost.length ? table("pairs lost", ["from", "to"], lost.slice(0, 20).map((x) => [x.src, x.dst])) : null,
      lost.length > 20 ? h("p", {}, `and ${lost.length - 20} more`) : null,
      h("h4", {}, "Findings raised"),
      raised.length ? h("ul", {}, raised.map((f) => h("li", { class: `finding-${f.severity}` }, `${f.code} ${f.rule}: ${f.message}`)))
        : h("p", {}, "none"),
      elements.length === 1 ? await haPlan(elements[0]) : null);
  } catch (e) { box.replaceChildren(title()); showError(box, e); }
}

// HA's plan when the failed element is a clustered host (else a note saying HA has nothing to restart)
async function haPlan(element) {
  const box = h("div", { id: "ha-plan" }, h("h4", {}, "HA's plan"));
  try {
    const r = await api.get(`/web/hosts/${encodeURIComponent(element)}/ha-plan`);
    box.append(table("HA restarts", ["VM", "restarts on", "priority"], r.restarted.map((x) => [x.vm, x.host, x.priority])),
      h("p", {}, `${r.not_restarted.length} VMs not restarted; admission control after: ${r.admission_after.ok ? "ok" : "violated"}`));
  } catch (e) { box.append(h("p", {}, e.status === 404 ? `${element} is not a host: HA restarts no VMs` : e.message)); }
  return box;
}

// topology and findings ------------------------------------------------------------------------------------
async function showTopology() {
  const p = panel();
  pageRefresh = null;
  p.replaceChildren(h("h2", {}, "Topology"), h("p", {}, "loading the map…"));
  const holder = h("div", {});
  const side = h("div", {});
  try {
    const topo = await api.get("/web/topology");
    p.replaceChildren(h("h2", {}, "Topology"), holder, side);
    const cy = renderTopology(holder, topo, (elements, label) => { whatIf(elements, label); });
    side.append(pathForm(cy), linkTable(topo));
  } catch (e) { showError(p, e); }
}

// the links that do not simply forward, as a table (what the map's colours say, readable without the map)
function linkTable(topo) {
  const odd = topo.edges.filter((e) => e.state !== "up");
  if (!odd.length) return h("p", { id: "links-odd" }, "Every link is up and forwarding every VLAN it carries.");
  return h("details", { class: "card", id: "links-odd", open: odd.length <= 20 },
    h("summary", {}, `${odd.length} links not fully forwarding`),
    table("links not fully forwarding", ["link", "state", "VLANs blocked", "why"], odd.slice(0, 500).map((e) => [
      e.channel || e.id, e.state, (e.blocked_vlans || []).length ? vlanText(e.blocked_vlans) : "-", e.why || ""])));
}

// the path view: vinfra trace between two endpoints, its devices highlighted on the map hop by hop
function pathForm(cy) {
  const out = h("div", { id: "path-result", "aria-live": "polite" });
  const src = h("input", { id: "path-src", size: 16 });
  const dst = h("input", { id: "path-dst", size: 16 });
  const form = h("form", { class: "card", "aria-label": "path" }, h("label", { for: "path-src" }, "Path from "), src,
    h("label", { for: "path-dst" }, " to "), dst, " ", h("button", { type: "submit" }, "Trace"), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    try {
      const r = await api.get(`/web/trace?src=${encodeURIComponent(src.value)}&dst=${encodeURIComponent(dst.value)}`);
      cy.elements().removeClass("vlan faded");
      const devices = new Set(r.rows.map((x) => x.device));
      cy.nodes().forEach((n) => { if (!devices.has(n.id())) n.addClass("faded"); });
      cy.edges().forEach((e) => { if (!(devices.has(e.data("source")) && devices.has(e.data("target")))) e.addClass("faded"); else e.addClass("vlan"); });
      out.append(h("p", { class: r.reachable ? "ok" : "error" }, `${r.verdict}${r.reason ? `: ${r.reason}` : ""}`),
        table("trace", ["hop", "device", "in", "out", "VLAN", "decision", "rule"],
          r.rows.map((x) => [x.hop, x.device, x.in ?? "", x.out ?? "", x.vlan ?? "", x.decision, x.rule ?? ""])));
    } catch (e) { showError(out, e); }
  });
  return form;
}

async function showFindings() {
  const p = panel();
  p.replaceChildren(h("h2", {}, "Findings"));
  try {
    const r = await api.get("/web/findings");
    p.append(h("p", { id: "findings-count" }, `${r.count} findings at revision ${r.revision}`));
    p.append(h("ul", { id: "findings" }, r.results.map((f) => h("li", { class: `card finding-${f.severity}` },
      h("strong", {}, `${f.code} ${f.rule} (${f.severity})`), h("p", {}, f.message),
      h("p", {}, "Objects: ", f.objects.map((o) => objectLink(o))), h("p", {}, `Fix: ${f.fix}`)))));
  } catch (e) { showError(p, e); }
}

function objectLink(obj) {
  const device = obj.split(":")[0];
  return h("button", { type: "button", onclick: async () => {
    for (const section of ["hosts", "switches", "vms"]) {
      try { await api.get(`/${section}/${encodeURIComponent(device)}?view=brief`); selectTab("summary"); return open(section, device); } catch (e) { /* next */ }
    }
  } }, obj);
}

// live tasks and events --------------------------------------------------------------------------------------
async function refreshTasks() {
  const r = await api.get("/tasks?limit=15");
  $("#tasks tbody").replaceChildren(...r.results.map((t) => h("tr", { "data-task": t.id, "data-state": t.state },
    h("td", {}, `${t.id} ${t.kind || t.operation || ""}`), h("td", {}, t.target || ""), h("td", { class: `state-${t.state}` }, t.state),
    h("td", {}, t.error ? `${t.error.fault || ""} ${t.error.message || ""}` : (t.message || "")))));
}

async function startLive() {
  await refreshTasks();
  const first = await api.get("/events?since=0&limit=1000");
  let since = first.next_since;
  const list = $("#events");
  const add = (ev) => { list.prepend(h("li", {}, `${ev.kind}: ${ev.message}`)); while (list.children.length > 30) list.lastChild.remove(); };
  first.results.slice(-10).forEach(add);
  streamAbort = new AbortController();
  let again = null;
  api.streamEvents(since, (ev) => {
    since = ev.id; add(ev); refreshTasks();
    if (ev.kind === "TaskEvent" && pageRefresh) { clearTimeout(again); again = setTimeout(() => pageRefresh && pageRefresh(), 200); }
  }, streamAbort.signal).catch(() => {});
}

start();
