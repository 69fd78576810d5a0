// The vinfra web client: login, inventory tree, summary pages, host networking view, topology, findings,
// what-if, operations and live tasks/events. Uses only the server's REST API (see vinfra.web.api for the
// client's own read-only views).
import * as api from "./api.js";
import { renderNetworking } from "./netview.js";
import { renderTopology } from "./topology.js";

const $ = (sel) => document.querySelector(sel);
const panel = () => $("#panel");
let current = null; // {section, name}
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
  if (view === "summary") return current ? open(current.section, current.name) : panel().replaceChildren();
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
    else if (section === "clusters") clusterPage(p, obj);
    else if (section === "templates") await templatePage(p, obj);
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

function clusterPage(p, cl) {
  p.append(h("pre", { class: "card" }, JSON.stringify(cl, null, 2)));
  if (!api.canConfigure()) return;
  const msg = h("p", { id: "op-result", role: "status" });
  p.append(h("section", { class: "card", "aria-label": "operations" }, h("h3", {}, "Operations"),
    h("button", { type: "button", onclick: () => submit(`/clusters/${encodeURIComponent(cl.name)}/drs`, { automatic_only: false }, msg) },
      "Apply DRS recommendations"), msg));
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

function switchPage(p, sw) {
  const ifs = Object.entries(sw.interfaces || {});
  p.append(h("section", { class: "card", "aria-label": "switch summary" },
    h("p", {}, `${sw.platform || ""} · role ${sw.role || "-"} · ${ifs.length} interfaces`),
    table("interfaces", ["interface", "mode", "VLANs", "native"], ifs.map(([n, i]) => [n, i.mode || "access",
      i.mode === "trunk" ? String(i.allowed_vlans ?? "all") : String(i.vlan ?? ""), i.mode === "trunk" ? String(i.native_vlan ?? 1) : ""]))));
}

// what-if --------------------------------------------------------------------------------------------------
function whatIfButton(name) {
  return h("button", { type: "button", onclick: () => whatIf(name) }, `What if ${name} fails?`);
}

async function whatIf(element) {
  let box = $("#whatif");
  if (!box) { box = h("section", { id: "whatif", class: "card", "aria-live": "polite", "aria-label": "what-if" }); panel().prepend(box); }
  box.replaceChildren(h("h3", {}, `What if ${element} fails?`), h("p", {}, "computing…"));
  try {
    const r = await api.post("/whatif", { fail: [element] });
    const lost = r.pairs.filter((x) => x.before && !x.after);
    const gained = r.pairs.filter((x) => !x.before && x.after);
    box.replaceChildren(h("h3", {}, `What if ${element} fails?`),
      h("p", { id: "pairs-lost" }, `${lost.length} pairs lost, ${gained.length} gained (${r.pairs_changed} changed)`),
      table("pairs lost", ["from", "to"], lost.slice(0, 20).map((x) => [x.src, x.dst])),
      lost.length > 20 ? h("p", {}, `and ${lost.length - 20} more`) : null,
      h("h4", {}, "Findings raised"),
      h("ul", {}, (r.findings.appeared || []).map((f) => h("li", { class: `finding-${f.severity}` }, `${f.code} ${f.rule}: ${f.message}`))),
      await haPlan(element));
  } catch (e) { box.replaceChildren(h("h3", {}, `What if ${element} fails?`)); showError(box, e); }
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
  p.replaceChildren(h("h2", {}, "Topology"));
  const holder = h("div", {});
  const side = h("div", {});
  p.append(holder, side);
  try {
    const topo = await api.get("/web/topology");
    const cy = renderTopology(holder, topo, (name) => { whatIf(name); });
    side.append(pathForm(cy));
  } catch (e) { showError(p, e); }
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
  api.streamEvents(since, (ev) => {
    since = ev.id; add(ev); refreshTasks();
    if (ev.kind === "VmDeployedEvent") buildTree(); // a new VM (a clone): the tree shows it
  }, streamAbort.signal).catch(() => {});
}

start();
