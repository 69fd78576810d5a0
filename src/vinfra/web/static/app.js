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
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function table(caption, cols, rows) {
  return h("table", {}, h("caption", { class: "sr" }, caption),
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

// replaceChildren without the nulls of optional parts (the DOM would write them as "null")
function fill(el, ...kids) { el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false)); return el; }

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
  if (!current) panel().replaceChildren(h("p", { class: "hint" }, "Select an object in the inventory on the left, or open the Topology or Findings tab."));
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
    folder("Networks", nets.map((n) => leaf("networks", n.name))),
    folder("Storage", datastores.map((d) => leaf("datastores", d.name))),
    folder("Switches", [...switches.map((s) => leaf("switches", s.name)), ...dvs.map((d) => leaf("dvswitches", d.name))]),
  );
  $("#tree").replaceChildren(h("h2", { class: "sr" }, "Inventory"), root);
}

// summary pages ------------------------------------------------------------------------------------------
let opening = 0; // the latest open(): an older one still loading drops its page

const TITLES = { hosts: "Host", vms: "VM", clusters: "Cluster", switches: "Switch", datastores: "Datastore",
  templates: "Template", dvswitches: "Distributed switch", networks: "Network" };

async function open(section, name) {
  current = { section, name };
  pageRefresh = null;
  const mine = ++opening;
  for (const b of document.querySelectorAll("#tree button[aria-current]")) b.removeAttribute("aria-current");
  document.querySelector(`#tree button[data-section="${section}"][data-name="${CSS.escape(name)}"]`)?.setAttribute("aria-current", "true");
  const p = h("div", {}, h("h2", {}, `${TITLES[section] || section} ${name}`));
  panel().replaceChildren(h("p", {}, `loading ${name}…`));
  try {
    // a network is no inventory resource of its own: its page is put together from hosts, vDS and VMs
    const obj = section === "networks" ? null : await api.get(`/${section}/${encodeURIComponent(name)}`);
    if (section === "networks") await networkPage(p, name);
    else if (section === "hosts") await hostPage(p, obj);
    else if (section === "vms") await vmPage(p, obj);
    else if (section === "switches") await switchPage(p, obj);
    else if (section === "clusters") await clusterPage(p, obj);
    else if (section === "templates") await templatePage(p, obj);
    else p.append(h("section", { class: "card", "aria-label": `${TITLES[section] || section} summary` }, facts(obj)));
    // the what-if fails a device: a host or a switch (the server refuses anything else)
    if (section === "hosts" || section === "switches") p.append(whatIfButton(name));
  } catch (e) { showError(p, e); }
  if (mine === opening) panel().replaceChildren(...p.childNodes);
}

// an object's settings as label/value pairs (nested settings as "key: value" lists), never raw JSON
function facts(obj) {
  const text = (v) => {
    if (v === null || v === undefined || v === "") return "-";
    if (Array.isArray(v)) return v.length ? v.map(text).join(", ") : "none";
    if (typeof v === "object") return Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => `${k.replace(/_/g, " ")}: ${text(x)}`).join(" · ");
    if (typeof v === "boolean") return v ? "yes" : "no";
    return String(v);
  };
  return dl(Object.entries(obj).filter(([k]) => k !== "name").map(([k, v]) => [k.replace(/_/g, " "), text(v)]));
}

// a labelled usage bar (the vSphere Client's CPU / memory / storage meters)
function meter(label, used, total, unit) {
  const pct = total ? Math.min(100, Math.round((100 * used) / total)) : 0;
  return h("div", { class: "meter-row" }, h("span", { class: "meter-label" }, label),
    h("meter", { min: 0, max: total || 1, value: Math.min(used, total || 1), high: (total || 1) * 0.8, "aria-label": `${label} ${pct}%` }),
    h("span", {}, total ? `${fmt(used)} ${unit} used of ${fmt(total)} ${unit} (${pct}%)` : `${fmt(used)} ${unit} used`));
}
const fmt = (x) => (Math.round(x * 10) / 10).toLocaleString("en");
const product = (x) => ({ esxi: "ESXi", esx: "ESX" }[x] || x || "ESXi");

function objButton(section, name) {
  return h("button", { type: "button", class: "link", onclick: () => { selectTab("summary"); open(section, name); } }, name);
}

async function hostPage(p, host) {
  const [vms, alarms, net] = await Promise.all([api.all("vms", `&host=${encodeURIComponent(host.name)}&view=full`),
    api.get("/alarms?status=red&limit=1000"), api.get(`/web/hosts/${encodeURIComponent(host.name)}/networking`)]);
  const cpu = host.cpu || {};
  const mhz = (cpu.sockets || 1) * (cpu.cores || 0) * (cpu.mhz || 0);
  const on = vms.filter((v) => v.power === "on");
  const usedMhz = on.reduce((s, v) => s + ((v.load && v.load.cpu_mhz) || 0), 0);
  const usedGb = on.reduce((s, v) => s + ((v.load && v.load.memory_gb) ?? v.memory_gb ?? 0), 0);
  const vcpus = on.reduce((s, v) => s + ((v.cpu && v.cpu.vcpus) || 0), 0);
  const mine = alarms.results.filter((a) => (a.objects || []).some((o) => o === host.name || o.startsWith(`${host.name}:`)));
  const state = host.state || "connected";
  p.append(h("section", { class: "card", "aria-label": "host summary" },
    dl([["Hypervisor", `${product(host.product)} ${host.version || ""}`], ["Cluster", host.cluster ? objButton("clusters", host.cluster) : "standalone"],
      ["State", state === "maintenance" ? "in maintenance mode" : state],
      ["Processor", `${cpu.sockets || 1} × ${cpu.cores || "?"} cores at ${cpu.mhz || "?"} MHz${cpu.vendor ? ` (${cpu.vendor}${cpu.family ? ` ${cpu.family}` : ""})` : ""}`],
      ["Virtual machines", `${vms.length} (${on.length} powered on, ${vcpus} vCPUs)`]]),
    meter("CPU", usedMhz, mhz, "MHz"), meter("Memory", usedGb, host.memory_gb || 0, "GB"),
    h("h3", {}, "VMs"), vms.length ? table("VMs on the host", ["VM", "power", "vCPUs", "memory GB", "CPU use MHz"],
      vms.map((v) => [objButton("vms", v.name), v.power, (v.cpu && v.cpu.vcpus) ?? "", v.memory_gb ?? "", (v.load && v.load.cpu_mhz) ?? ""]))
      : h("p", {}, "No VMs run on this host."),
    h("h3", {}, "Alarms"), mine.length ? h("ul", {}, mine.map((a) => h("li", { class: "finding-error" }, `${a.code || ""} ${a.message || ""}`)))
      : h("p", {}, "No triggered alarms.")));
  if (api.canConfigure()) {
    const msg = h("p", { id: "op-result", role: "status" });
    const path = `/hosts/${encodeURIComponent(host.name)}/maintenance`;
    p.append(h("section", { class: "card", "aria-label": "operations" }, h("h3", {}, "Operations"),
      state === "maintenance"
        ? h("button", { type: "button", onclick: () => submit(path, undefined, msg, "DELETE") }, "Exit maintenance mode")
        : h("button", { type: "button", onclick: () => submit(path, undefined, msg) }, "Enter maintenance mode"),
      state !== "maintenance" && on.length ? h("p", { class: "hint" }, host.cluster
        ? `DRS moves its ${on.length} powered-on VMs to the other hosts of ${host.cluster} first.`
        : `Standalone: power off or move its ${on.length} powered-on VMs first.`) : null, msg));
  }
  // a task on this host (maintenance mode, by any client) redraws the page when it ends
  pageRefresh = (ev) => {
    if (ev && ev.object !== host.name && ev.object !== `hosts/${host.name}`) return;
    if (current && current.section === "hosts" && current.name === host.name) open("hosts", host.name);
  };
  const holder = h("section", { "aria-label": "networking", id: "networking" }, h("h3", {}, "Networking"),
    h("p", { class: "hint" }, "Select a port group to see the teaming role of each physical adapter for it (active, standby, unused). A red outline and ! mark a finding."));
  p.append(holder);
  const box = h("div", {});
  holder.append(box);
  if (net.switches.length) renderNetworking(box, net);
  else box.append(h("p", {}, "This host has no virtual switch."));
}

// a network (port group): where it exists with its VLAN (each host's vSwitch, or the vDS), and its VMs
async function networkPage(p, name) {
  const [hosts, dvs, vms] = await Promise.all([api.all("hosts", "&view=full"), api.all("dvswitches", "&view=full"), api.all("vms", "&view=full")]);
  const vlanText = (v) => (v === 4095 ? "all VLANs (4095)" : v === 0 || v === undefined || v === null ? "none (untagged)" : typeof v === "object" ? JSON.stringify(v) : `VLAN ${v}`);
  const where = [];
  for (const hst of hosts) {
    for (const [sw, conf] of Object.entries(hst.vswitches || {})) {
      const pg = (conf.portgroups || {})[name];
      if (pg) where.push([objButton("hosts", hst.name), `${sw} (standard)`, vlanText(pg.vlan)]);
    }
  }
  for (const d of dvs) {
    const pg = (d.portgroups || {})[name];
    if (pg) where.push([Object.keys(d.hosts || {}).join(", ") || "no host", `${d.name} (distributed)`, vlanText(pg.vlan ?? pg.vlan_trunk)]);
  }
  // a vNIC names a vDS port group as "DVS/PORTGROUP" (or plainly, when the name is unique)
  const names = new Set([name, ...dvs.filter((d) => (d.portgroups || {})[name]).map((d) => `${d.name}/${name}`)]);
  const here = (n) => names.has(n.network);
  const on = vms.filter((v) => (v.nics || []).some(here));
  p.append(h("section", { class: "card", "aria-label": "network summary" },
    h("h3", {}, "Port groups"), where.length ? table("port groups", ["host", "switch", "VLAN"], where) : h("p", {}, "No host carries this port group."),
    h("h3", {}, "VMs"), on.length ? table("VMs on the network", ["VM", "host", "power", "IP"], on.slice(0, 500).map((v) =>
      [objButton("vms", v.name), v.host, v.power, (v.nics || []).filter(here).map((n) => n.ip || "-").join(", ")]))
      : h("p", {}, "No VM is connected to this network.")));
}

async function vmPage(p, vm) {
  const net = await api.get(`/web/hosts/${encodeURIComponent(vm.host)}/networking`);
  const rows = (vm.nics || []).map((nic, k) => {
    const label = (vm.nics.length === 1) ? vm.name : `${vm.name} nic${k + 1}`;
    for (const sw of net.switches) for (const pg of sw.portgroups) {
      if (!pg.ports.some((pt) => pt.name === label)) continue;
      const inUse = sw.uplinks.filter((_, j) => pg.roles[j] === "active");
      return [`Network adapter ${k + 1}`, nic.network, pg.vlan, nic.ip || "-", inUse.map((u) => u.name).join(", ") || "none",
        inUse.map((u) => u.switch_port ? u.switch_port.port : u.note).join(", ") || "-"];
    }
    return [`Network adapter ${k + 1}`, nic.network, "-", nic.ip || "-", "-", "-"];
  });
  p.append(h("section", { class: "card", "aria-label": "VM summary" },
    dl([["Host", objButton("hosts", vm.host)], ["Power", vm.power === "on" ? "powered on" : "powered off"],
      ["CPU", `${(vm.cpu && vm.cpu.vcpus) ?? "?"} vCPUs${vm.load && vm.load.cpu_mhz ? `, using ${vm.load.cpu_mhz} MHz` : ""}`],
      ["Memory", `${vm.memory_gb ?? "?"} GB${vm.memory && vm.memory.reservation_gb ? `, ${vm.memory.reservation_gb} GB reserved` : ""}`],
      ["Datastore", vm.datastore || "-"], ["Guest OS", vm.guest || "-"]]),
    h("h3", {}, "NICs"), rows.length ? table("NICs", ["adapter", "port group", "VLAN", "IP", "uplinks in use", "switch ports"], rows)
      : h("p", {}, "This VM has no network adapter.")));
  if (api.canOperate()) p.append(await vmOperations(vm));
}

async function vmOperations(vm) {
  const out = h("section", { class: "card", "aria-label": "operations" }, h("h3", {}, "Operations"));
  const msg = h("p", { id: "op-result", role: "status" });
  const path = `/vms/${encodeURIComponent(vm.name)}`;
  const power = (action, label) => h("button", { type: "button", onclick: () => submit(`${path}/power`, { action }, msg) }, label);
  const dialog = await migrateDialog(vm, msg);
  out.append(h("div", { class: "buttons" },
    vm.power === "on" ? [power("off", "Power off"), power("reset", "Reset")] : power("on", "Power on"),
    h("button", { type: "button", "aria-haspopup": "dialog", onclick: () => dialog.open() }, "Migrate…")), msg, dialog.element);
  return out;
}

// the vMotion dialog: pick a host, the server's vMotion checks (POST /web/vmotion-check) are shown before
// the migration is submitted; a refusal at submission stays in the dialog
async function migrateDialog(vm, pageMsg) {
  const hosts = (await api.all("hosts")).filter((x) => x.name !== vm.host);
  const select = h("select", { id: "migrate-host" }, hosts.map((x) => h("option", { value: x.name },
    `${x.name}${x.cluster ? ` (${x.cluster})` : ""}${x.state && x.state !== "connected" ? ` · ${x.state}` : ""}`)));
  const checks = h("div", { id: "vmotion-checks", "aria-live": "polite" });
  const msg = h("p", { id: "migrate-result", role: "status" });
  const check = async () => {
    checks.replaceChildren(h("p", {}, "checking…"));
    try {
      const r = await api.post("/web/vmotion-check", { vm: vm.name, host: select.value });
      checks.replaceChildren(h("p", { class: r.ok ? "ok" : "error" }, r.ok
        ? `Compatibility checks succeeded${r.estimate ? ` (estimated duration ${r.estimate.total_s.toFixed(1)} s)` : ""}.`
        : "vMotion refused: the network or the host does not allow this move."));
      if (r.faults.length || r.warnings.length) {
        checks.append(h("ul", {}, r.faults.map((f) => h("li", { class: "error" }, `${f.fault}: ${f.message}`)),
          r.warnings.map((w) => h("li", { class: "warning" }, typeof w === "string" ? w : `${w.fault || ""} ${w.message || ""}`))));
      }
    } catch (e) { checks.replaceChildren(); showError(checks, e); }
  };
  select.addEventListener("change", () => { msg.textContent = ""; check(); });
  const element = h("dialog", { id: "migrate-dialog", "aria-labelledby": "migrate-title" },
    h("form", { method: "dialog" },
      h("h3", { id: "migrate-title" }, `Migrate ${vm.name}`),
      h("p", {}, `Change compute resource (vMotion) from ${vm.host}.`),
      hosts.length ? h("p", {}, h("label", { for: "migrate-host" }, "Migrate to host "), select, " ",
        h("button", { type: "button", onclick: check }, "Check vMotion")) : h("p", {}, "There is no other host to migrate to."),
      checks, msg,
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "primary", disabled: !hosts.length, onclick: async () => {
          msg.className = ""; msg.textContent = "submitting…";
          try {
            const t = await api.post(`/vms/${encodeURIComponent(vm.name)}/migrate`, { host: select.value });
            element.close(); pageMsg.className = ""; pageMsg.textContent = `task ${t.id} submitted: migrate ${vm.name} to ${select.value}`; refreshTasks();
          } catch (e) { msg.className = "error"; msg.textContent = `refused: ${e.message}`; }
        } }, "Migrate"),
        h("button", { type: "submit", value: "cancel" }, "Cancel"))));
  return { element, open: () => { msg.textContent = ""; element.showModal(); select.focus(); if (hosts.length) check(); } };
}

async function submit(path, body, msg, method = "POST") {
  msg.className = ""; msg.textContent = "submitting…";
  try { const t = await api.call(method, path, body); msg.textContent = `task ${t.id} submitted`; refreshTasks(); }
  catch (e) { msg.className = "error"; msg.textContent = `refused: ${e.message}`; }
}

const AUTOMATION = { fully: "fully automated", partially: "partially automated", manual: "manual" };

async function clusterPage(p, cl) {
  const drs = cl.drs || {}, ha = cl.ha || {};
  const ac = ha.admission_control || {};
  const hosts = await api.all("hosts", `&cluster=${encodeURIComponent(cl.name)}`).catch(() => []);
  p.append(h("section", { class: "card", "aria-label": "cluster summary" },
    dl([["Hosts", String(hosts.filter((x) => x.cluster === cl.name).length || "-")],
      ["DRS", drs.enabled ? `on · ${AUTOMATION[drs.automation || "fully"] || drs.automation} · migration threshold ${drs.threshold ?? 3}` : "off"],
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
    fill(box, h("h3", { id: "drs-title" }, "DRS recommendations"),
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

// clone from template (cluster-behaviour §4.2): the dialog asks the provisioning model (/web/clone-check) as the
// fields change and shows every refusal before the clone is submitted as a task
async function templatePage(p, tpl) {
  p.append(h("section", { class: "card", "aria-label": "template summary" },
    h("p", {}, `template · ${tpl.guest || "guest not declared"} · ${(tpl.cpu && tpl.cpu.vcpus) ?? "?"} vCPUs · ${tpl.memory_gb ?? "?"} GB · datastore ${tpl.datastore || "-"}`),
    h("h3", {}, "NICs"), table("template NICs", ["vNIC", "port group"], (tpl.nics || []).map((n, k) => [`nic${k}`, n.network]))));
  if (!api.canConfigure()) return;
  const msg = h("p", { id: "op-result", role: "status" });
  p.append(h("section", { class: "card", "aria-label": "operations" }, h("h3", {}, "Operations"),
    h("button", { type: "button", id: "clone-open", onclick: () => cloneDialog(tpl, msg) }, "Clone from template"), msg));
}

async function cloneDialog(tpl, msg) {
  const clusters = await api.all("clusters");
  const hosts = await api.all("hosts");
  const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id }, label), input);
  const name = h("input", { id: "clone-name", required: true, autocomplete: "off" });
  const cluster = h("select", { id: "clone-cluster" }, clusters.map((c) => h("option", { value: c.name }, c.name)));
  const host = h("select", { id: "clone-host" });
  const fillHosts = () => host.replaceChildren(h("option", { value: "" }, "DRS places it"),
    ...hosts.filter((x) => x.cluster === cluster.value).map((x) => h("option", { value: x.name }, x.name)));
  fillHosts();
  const kind = h("select", { id: "clone-kind" }, h("option", { value: "full" }, "Full clone (copies the disks)"),
    h("option", { value: "linked" }, "Linked clone (delta disk on a snapshot)"));
  const snapshot = h("select", { id: "clone-snapshot" }, h("option", { value: "" }, "none"));
  const powerOn = h("input", { id: "clone-power", type: "checkbox" });
  const hostname = h("input", { id: "clone-hostname", autocomplete: "off" });
  const nicInputs = (tpl.nics || []).map((n, k) => ({
    ip: h("input", { id: `clone-ip-${k}`, placeholder: "10.0.0.5/24", autocomplete: "off" }),
    gateway: h("input", { id: `clone-gw-${k}`, autocomplete: "off" }), network: n.network }));
  const checks = h("div", { id: "clone-checks", "aria-live": "polite" });
  const go = h("button", { type: "submit", id: "clone-submit", disabled: true }, "Clone");
  const body = () => {
    const nics = nicInputs.map((n) => ({ ip: n.ip.value.trim() || null, gateway: n.gateway.value.trim() || null }));
    const custom = hostname.value.trim() || nics.some((n) => n.ip || n.gateway)
      ? { hostname: hostname.value.trim() || null, nics: nics.some((n) => n.ip || n.gateway) ? nics : [] } : null;
    return { name: name.value.trim(), cluster: cluster.value || null, host: host.value || null,
      linked: kind.value === "linked", snapshot: snapshot.value || null, power_on: powerOn.checked, customization: custom };
  };
  let asked = 0;
  const check = async () => {
    const mine = ++asked;
    go.disabled = true;
    if (!name.value.trim()) { checks.replaceChildren(h("p", {}, "name the new VM")); return; }
    try {
      const r = await api.post("/web/clone-check", { template: tpl.name, clone: body() });
      if (mine !== asked) return;
      if (snapshot.options.length === 1) snapshot.append(...r.snapshots.map((s) => h("option", { value: s }, s)));
      checks.replaceChildren(r.ok
        ? h("p", { class: "ok" }, `clone checks pass: on ${r.host}, about ${r.duration_s.toFixed(1)} s (${r.linked ? "linked" : "full"} clone)`)
        : h("p", { class: "error" }, "clone refused:"),
      h("ul", {}, r.faults.map((f) => h("li", { class: "error" }, `${f.fault}: ${f.message} (${f.field})`))));
      go.disabled = !r.ok;
    } catch (e) { if (mine === asked) { checks.replaceChildren(); showError(checks, e); } }
  };
  const form = h("form", { method: "dialog", class: "clone-form" },
    h("h2", { id: "clone-title" }, `Clone ${tpl.name}`),
    field("clone-name", "New VM name", name), field("clone-cluster", "Destination cluster", cluster),
    field("clone-host", "Host", host), field("clone-kind", "Clone type", kind), field("clone-snapshot", "Snapshot", snapshot),
    h("div", { class: "field" }, powerOn, h("label", { for: "clone-power" }, " Power on after cloning")),
    h("fieldset", {}, h("legend", {}, "Guest customization (runs on first boot)"), field("clone-hostname", "Host name", hostname),
      nicInputs.map((n, k) => h("div", {}, field(`clone-ip-${k}`, `nic${k} (${n.network}) address`, n.ip),
        field(`clone-gw-${k}`, `nic${k} gateway`, n.gateway)))),
    checks, h("div", {}, go, " ", h("button", { type: "button", id: "clone-cancel", onclick: () => dialog.close() }, "Cancel")));
  const dialog = h("dialog", { id: "clone-dialog", "aria-labelledby": "clone-title" }, form);
  cluster.addEventListener("change", () => { fillHosts(); check(); });
  for (const el of [host, kind, snapshot, powerOn]) el.addEventListener("change", check);
  for (const el of [name, hostname, ...nicInputs.flatMap((n) => [n.ip, n.gateway])]) el.addEventListener("input", check);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (go.disabled) return;
    submit(`/templates/${encodeURIComponent(tpl.name)}/clone`, body(), msg);
    dialog.close();
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  name.focus();
  check();
}

async function switchPage(p, sw) {
  const ifs = Object.entries(sw.interfaces || {});
  // what each port is cabled to (the links whose name mentions this switch)
  const links = await api.all("links", `&name__ic=${encodeURIComponent(`${sw.name}:`)}`).catch(() => []);
  const peer = new Map();
  for (const l of links) {
    if (l.a.startsWith(`${sw.name}:`)) peer.set(l.a.slice(sw.name.length + 1), l.b);
    if (l.b.startsWith(`${sw.name}:`)) peer.set(l.b.slice(sw.name.length + 1), l.a);
  }
  const kind = (n, i) => (/^vlan\d+$/i.test(n) ? "SVI" : i.mode === "routed" ? "routed" : /^po/i.test(n) ? `port-channel ${i.mode || "access"}` : i.mode || "access");
  const stp = sw.stp || {};
  p.append(h("section", { class: "card", "aria-label": "switch summary" },
    dl([["Platform", sw.platform || "-"], ["Role", sw.role || "-"], ["Spanning tree", `${stp.mode || "platform default"}${stp.priority !== undefined ? `, priority ${typeof stp.priority === "object" ? Object.entries(stp.priority).map(([k, v]) => `${k}: ${v}`).join(", ") : stp.priority}` : ""}`],
      ["VLANs", Array.isArray(sw.vlans) ? sw.vlans.join(", ") : String(sw.vlans ?? "1")], ...(sw.stack ? [["Stack", sw.stack]] : []), ...(sw.mlag ? [["MLAG peer", sw.mlag.peer]] : [])]),
    h("h3", {}, `Interfaces (${ifs.length})`),
    table("interfaces", ["interface", "mode", "VLANs", "native", "IP", "connected to", "description"], ifs.map(([n, i]) => {
      const k = kind(n, i), l3 = k === "SVI" || k === "routed";
      return [n + (i.shutdown ? " (shut down)" : "") + (i.channel_group ? ` → Po${i.channel_group}` : ""), k,
        l3 ? "" : i.mode === "trunk" ? String(i.allowed_vlans ?? "all") : String(i.vlan ?? 1),
        !l3 && i.mode === "trunk" ? String(i.native_vlan ?? 1) : "", [i.ip, i.fhrp ? `${i.fhrp.protocol || "FHRP"} VIP ${i.fhrp.vip}` : ""].filter(Boolean).join(" · "),
        peer.get(n) || "", i.description || ""];
    }))));
}

// what-if --------------------------------------------------------------------------------------------------
function whatIfButton(name) {
  return h("button", { type: "button", onclick: () => whatIf([name], name) }, `What if ${name} fails?`);
}

// fail `elements` (a device, an interface or the cables of a link) in the server's what-if: nothing changes
async function whatIf(elements, label = elements.join(", ")) {
  let box = $("#whatif");
  if (!box) {
    // under the page's title, above what it answers about
    box = h("section", { id: "whatif", class: "card", "aria-live": "polite", "aria-label": "what-if" });
    const title = panel().querySelector("h2");
    if (title) title.after(box); else panel().prepend(box);
  }
  const title = () => h("h3", {}, `What if ${label} fails?`, " ", h("button", { type: "button", class: "close", "aria-label": "Close the what-if", onclick: () => box.remove() }, "×"));
  box.replaceChildren(title(), h("p", {}, "computing…"));
  box.scrollIntoView({ block: "nearest" });
  try {
    const r = await api.post("/whatif", { fail: elements });
    const lost = r.pairs.filter((x) => x.before && !x.after);
    const gained = r.pairs.filter((x) => !x.before && x.after);
    const raised = r.findings.appeared || [];
    fill(box, title(),
      h("p", { id: "pairs-lost", class: lost.length ? "error" : "ok" }, `${lost.length} pairs lost, ${gained.length} gained (${r.pairs_changed} changed)`),
      lost.length ? lostTable(lost) : null,
      h("h4", {}, "Findings raised"),
      raised.length ? h("ul", { class: "plain" }, raised.map((f) => h("li", { class: `finding-${f.severity}` }, `${f.code} ${f.rule}: ${f.message}`)))
        : h("p", {}, "none"),
      elements.length === 1 ? await haPlan(elements[0]) : null);
  } catch (e) { box.replaceChildren(title()); showError(box, e); }
}

// the pairs lost, one row per source: "erp-app01 → erp-db01, intranet01, …" (a host failure loses hundreds)
function lostTable(lost) {
  const by = new Map();
  for (const x of lost) { if (!by.has(x.src)) by.set(x.src, []); by.get(x.src).push(x.dst); }
  const rows = [...by].slice(0, 30).map(([src, dsts]) => [src, `${dsts.slice(0, 8).join(", ")}${dsts.length > 8 ? `, and ${dsts.length - 8} more` : ""}`]);
  return [table("pairs lost", ["from", "no longer reaches"], rows), by.size > 30 ? h("p", {}, `and ${by.size - 30} more sources`) : null];
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
    // the path form above the map: its answer shows where the user looks, the map draws it
    const path = h("div", {});
    p.replaceChildren(h("h2", {}, "Topology"), path, holder, side);
    const cy = renderTopology(holder, topo, (elements, label) => { whatIf(elements, label); });
    path.append(pathForm(cy));
    side.append(linkTable(topo));
  } catch (e) { showError(p, e); }
}

// the links that do not simply forward, as a table (what the map's colours say, readable without the map)
function linkTable(topo) {
  const odd = topo.edges.filter((e) => e.state !== "up");
  if (!odd.length) return h("p", { id: "links-odd" }, "Every link is up and forwarding every VLAN it carries.");
  return h("details", { class: "card", id: "links-odd", open: odd.length <= 20 },
    h("summary", {}, `${odd.length} links not fully forwarding`),
    table("links not fully forwarding", ["link", "state", "VLANs blocked", "why", "what-if"], odd.slice(0, 500).map((e) => [
      e.channel || e.id, e.state, (e.blocked_vlans || []).length ? vlanText(e.blocked_vlans) : "-", e.why || "",
      // the keyboard's way to what the map's click does
      (e.links || []).length ? h("button", { type: "button", class: "link", "aria-label": `What if it fails? (${e.channel || e.id})`,
        onclick: () => whatIf(e.links, e.channel || e.id) }, "What if it fails?") : ""])));
}

// the path view: vinfra trace between two endpoints, its devices highlighted on the map hop by hop
function pathForm(cy) {
  const out = h("div", { id: "path-result", "aria-live": "polite" });
  const src = h("input", { id: "path-src", size: 18, placeholder: "VM, vmk or IP", required: true });
  const dst = h("input", { id: "path-dst", size: 18, placeholder: "VM, vmk or IP", required: true });
  const form = h("form", { class: "card", "aria-label": "path" }, h("label", { for: "path-src" }, "Path from "), src,
    h("label", { for: "path-dst" }, " to "), dst, " ", h("button", { type: "submit" }, "Trace"), " ",
    h("button", { type: "button", onclick: () => { cy.elements().removeClass("vlan vlan-blocked faded"); out.replaceChildren(); } }, "Clear"), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    try {
      const r = await api.get(`/web/trace?src=${encodeURIComponent(src.value)}&dst=${encodeURIComponent(dst.value)}`);
      cy.elements().removeClass("vlan vlan-blocked faded");
      const devices = new Set(r.rows.map((x) => x.device));
      // the links the path crosses: between devices of consecutive hops
      const hops = new Set();
      for (let i = 1; i < r.rows.length; i++) { const a = r.rows[i - 1].device, b = r.rows[i].device; hops.add(`${a}|${b}`); hops.add(`${b}|${a}`); }
      cy.nodes().forEach((n) => { if (!devices.has(n.id())) n.addClass("faded"); });
      cy.edges().forEach((e) => e.addClass(hops.has(`${e.data("source")}|${e.data("target")}`) ? "vlan" : "faded"));
      out.append(h("p", { class: r.reachable ? "ok" : "error" }, `${r.verdict}${r.reason ? `: ${r.reason}` : ""}`),
        table("trace", ["hop", "device", "in", "out", "VLAN", "decision", "rule"],
          r.rows.map((x) => [x.hop, x.device, x.in ?? "", x.out ?? "", x.vlan ?? "", x.decision, x.rule ?? ""])));
    } catch (e) { showError(out, e); }
  });
  return form;
}

async function showFindings() {
  const p = panel();
  p.replaceChildren(h("h2", {}, "Findings"), h("p", {}, "running the checks…"));
  try {
    const r = await api.get("/web/findings");
    const by = {};
    for (const f of r.results) by[f.severity] = (by[f.severity] || 0) + 1;
    p.replaceChildren(h("h2", {}, "Findings"), h("p", { id: "findings-count" }, r.count
      ? `${r.count} findings at revision ${r.revision}: ${["error", "warning", "info"].filter((x) => by[x]).map((x) => `${by[x]} ${x}${by[x] === 1 ? "" : "s"}`).join(", ")}`
      : `0 findings at revision ${r.revision}: the design passes every check.`));
    if (r.count) p.append(h("ul", { id: "findings", class: "plain" }, r.results.map((f) => h("li", { class: `card finding-${f.severity}` },
      h("strong", {}, `${f.code} ${f.rule} (${f.severity})`), h("p", {}, f.message),
      h("p", {}, "Objects: ", f.objects.map((o) => [objectLink(o), " "])), h("p", {}, h("strong", {}, "Fix: "), f.fix)))));
  } catch (e) { showError(p, e); }
}

function objectLink(obj) {
  const device = obj.split(":")[0];
  return h("button", { type: "button", class: "link", title: `open ${device}`, onclick: async () => {
    for (const section of ["hosts", "switches", "vms"]) {
      try { await api.get(`/${section}/${encodeURIComponent(device)}?view=brief`); selectTab("summary"); return open(section, device); } catch (e) { /* next */ }
    }
  } }, obj);
}

// live tasks and events --------------------------------------------------------------------------------------
const when = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");

async function refreshTasks() {
  const r = await api.get("/tasks?limit=15");
  if (!r.results.length) {
    $("#tasks tbody").replaceChildren(h("tr", {}, h("td", { colspan: 5, class: "hint" }, "No tasks yet: operations you or others run appear here.")));
    return;
  }
  $("#tasks tbody").replaceChildren(...r.results.map((t) => h("tr", { "data-task": t.id, "data-state": t.state },
    h("td", {}, `${t.id} ${(t.operation || "").replace(/_/g, " ")}`), h("td", {}, t.target || ""),
    h("td", { class: `state-${t.state}` }, t.error ? `${t.state}: ${t.error.fault ? `${t.error.fault}: ` : ""}${t.error.message || ""}` : t.state),
    h("td", {}, t.user || ""), h("td", {}, when(t.finished_at) || when(t.started_at) || when(t.queued_at)))));
}

async function startLive() {
  await refreshTasks();
  const first = await api.get("/events?since=0&limit=1000");
  let since = first.next_since;
  const list = $("#events");
  const add = (ev) => { list.prepend(h("li", {}, h("span", { class: "time" }, when(ev.time)), " ", h("strong", {}, ev.kind.replace(/Event$/, "")), `: ${ev.message}`)); while (list.children.length > 30) list.lastChild.remove(); };
  first.results.slice(-10).forEach(add);
  streamAbort = new AbortController();
  let again = null;
  api.streamEvents(since, (ev) => {
    since = ev.id; add(ev); refreshTasks();
    if (ev.kind === "VmDeployedEvent") buildTree(); // a new VM (a clone): the tree shows it
    if (ev.kind === "TaskEvent" && pageRefresh && /succeeded|failed|cancel|interrupt/i.test(ev.message || "")) {
      clearTimeout(again); again = setTimeout(() => pageRefresh && pageRefresh(ev), 200);
    }
  }, streamAbort.signal).catch(() => {});
}

start();
