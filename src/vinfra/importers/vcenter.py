"""A live vCenter (or ESXi host) through pyVmomi -> a topology-v1 fragment.

Read: datacenters (inventory paths), clusters (DRS, HA and their rules and groups), hosts (CPU, memory,
state, version, pNICs with their CDP/LLDP hints, standard vSwitches with teaming and security, port groups
with VLAN and teaming overrides, VMkernel ports with services), distributed switches (version, MTU,
dvUplinks and each host's vmnic binding, teaming, LAGs, port groups with VLAN, trunk or PVLAN), datastores
and VMs (CPU, memory, power, datastore, NICs with network, MAC and guest IPv4). Each property set is
fetched in one PropertyCollector call per object type, not one round trip per attribute.

Every object gets a report line: source = the URL, line None, text = the object's inventory path
(``/DC0/host/DC0_C0/DC0_C0_H0``). A MAC held by more than one host or VM is kept (the design says what
vCenter says) and each holder's line says who else holds it, so a MAC-uniqueness finding can be traced.

Not done yet: resource pools and vApps, traffic shaping, NIOC, vDS port mirroring and health-check
results, VMkernel gateways on custom TCP/IP stacks, CDP/LLDP hints become ``description`` text on the vmnic
(cabling from them is the ``links`` importer's job).
"""

from __future__ import annotations

import contextlib
import ssl
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from . import fields
from .ledger import Ledger
from .report import Imported, ImportSourceError, Support

# vSphere nicType -> topology-v1 VMkernel service (vswitch-behaviour section 6)
_SERVICES = {"management": "management", "vmotion": "vmotion", "faultToleranceLogging": "ft",
             "vSphereProvisioning": "provisioning", "vsan": "vsan", "vSphereReplication": "replication"}
_POWER = {"poweredOn": "on", "poweredOff": "off", "suspended": "suspended"}
_DRS_AUTOMATION = {"manual": "manual", "partiallyAutomated": "partially", "fullyAutomated": "fully"}
_ISOLATION = {"none": "leave_powered_on", "powerOff": "power_off", "shutdown": "shutdown"}
_DS_TYPE = {"VMFS": ("vmfs", None), "NFS": ("nfs", "nfs"), "NFS41": ("nfs", "nfs"), "vsan": ("vsan", "vsan"),
            "VVOL": ("vvol", None)}


def read_vcenter(url: str, user: str, password: str, *, verify_tls: bool = True, timeout_s: float = 30.0) -> Imported:
    """Log in to ``url`` (``https://vc.example/sdk``, ``vc.example`` or ``host:port``), read the inventory,
    log out. An unreachable server, a refused login or an untrusted certificate is an
    :class:`ImportSourceError` naming the URL (exit 2 through the CLI), never a traceback.

    ``verify_tls=False`` accepts a self-signed certificate (a lab vCenter, the simulator)."""
    from pyVim.connect import Disconnect, SmartConnect  # imported on use: pyVmomi's type tables take ~0.3 s
    from pyVmomi import vim, vmodl

    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.username is not None or parts.password is not None:
        # credentials written into the URL never reach the report or an error message
        url = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
        parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportSourceError.at(url, "not a vCenter URL: expected https://HOST[:PORT][/sdk]")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ImportSourceError.at(url, "the URL's port is not a number 1-65535") from None
    try:
        si = SmartConnect(protocol=parts.scheme, host=parts.hostname, port=port, user=user, pwd=password,
                          path=parts.path if parts.path not in ("", "/") else "/sdk",
                          # pyVmomi skips verification for localhost unless it is given a context: give one
                          sslContext=ssl.create_default_context() if verify_tls else None,
                          disableSslCertValidation=not verify_tls, httpConnectionTimeout=timeout_s,
                          connectionPoolTimeout=-1)
    except vim.fault.InvalidLogin:
        raise ImportSourceError.at(url, f"login refused for user {user!r}") from None
    except ssl.SSLError as exc:
        raise ImportSourceError.at(url, f"TLS failed ({exc.reason or exc}); a self-signed certificate needs "
                                   "verify_tls=False") from None
    except OSError as exc:  # TimeoutError included
        raise ImportSourceError.at(url, f"cannot reach the vCenter: {exc.strerror or exc}") from None
    except Exception as exc:  # pyVmomi raises its own types for a non-vSphere server (HTTP errors, bad XML)
        raise ImportSourceError.at(url, f"not a vSphere API endpoint: {type(exc).__name__}: {exc}") from None
    try:
        return _Reader(url, si, vim).read()
    except vim.fault.NoPermission as exc:
        raise ImportSourceError.at(url, f"user {user!r} may not read {exc.object}: {exc.privilegeId}") from None
    except OSError as exc:  # TimeoutError included
        raise ImportSourceError.at(url, f"the connection broke while reading: {exc}") from None
    except vmodl.MethodFault as exc:  # e.g. an object deleted while it was read
        raise ImportSourceError.at(url, f"vCenter refused a read: {type(exc).__name__}: {exc.msg or exc}") from None
    finally:
        with contextlib.suppress(Exception):  # a broken connection cannot log out; nothing is left to clean up
            Disconnect(si)


def _get(obj: Any, path: str) -> Any:
    """``obj.a.b.c`` or None where any step is unset (vCenter leaves most properties unset somewhere)."""
    for step in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, step, None)
    return obj


class _Reader:
    def __init__(self, url: str, si: Any, vim: Any) -> None:
        self.url = url
        self.si = si
        self.vim = vim
        self.content = si.RetrieveContent()
        self.ledger = Ledger()
        self.paths: dict[str, str] = {}  # moid -> inventory path
        self.names: dict[str, str] = {}  # moid -> design name

    # fetching ---------------------------------------------------------------------------------
    def collect(self, vimtype: Any, props: list[str]) -> list[tuple[Any, dict[str, Any]]]:
        """Every object of ``vimtype`` under the root folder with ``props``, in one PropertyCollector call
        (continued page by page)."""
        vmodl = __import__("pyVmomi").vmodl
        view = self.content.viewManager.CreateContainerView(self.content.rootFolder, [vimtype], True)
        try:
            traversal = vmodl.query.PropertyCollector.TraversalSpec(name="view", path="view", skip=False,
                                                                   type=type(view))
            spec = vmodl.query.PropertyCollector.FilterSpec(
                objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traversal])],
                propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vimtype, pathSet=props, all=False)])
            pc = self.content.propertyCollector
            out: list[tuple[Any, dict[str, Any]]] = []
            result = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
            while result is not None:
                for oc in result.objects:
                    out.append((oc.obj, {p.name: p.val for p in (oc.propSet or [])}))
                result = pc.ContinueRetrievePropertiesEx(result.token) if result.token else None
            return out
        finally:
            view.Destroy()

    def mark(self, path: str, support: Support, message: str = "") -> None:
        self.ledger.mark(self.url, None, path, support, message)

    # reading ----------------------------------------------------------------------------------
    def read(self) -> Imported:
        vim = self.vim
        self._paths()
        datastores = self._datastores()
        clusters, cluster_of = self._clusters()
        dvs_pg, dvswitches = self._dvswitches()
        hosts = self._hosts(cluster_of, datastores, dvs_pg, dvswitches)
        vms, templates = self._vms(hosts, datastores, dvs_pg, dvswitches)
        self._rules(clusters, vms, hosts)
        self._duplicate_macs(hosts, vms, dvswitches)
        design: dict[str, Any] = {"name": _design_name(self.content), "hosts": hosts, "clusters": clusters,
                                  "datastores": datastores, "vms": vms}
        if dvswitches:
            design["dvswitches"] = {n: {k: v for k, v in d.items() if not k.startswith("_")}
                                    for n, d in dvswitches.items()}
        if templates:
            design["templates"] = templates
        del vim
        return Imported(design, self.ledger.lines(), (), (self.url,))

    def _paths(self) -> None:
        parents: dict[str, tuple[str, str | None]] = {}
        for obj, p in self.collect(self.vim.ManagedEntity, ["name", "parent"]):
            parent = p.get("parent")
            parents[obj._moId] = (p.get("name", obj._moId), parent._moId if parent is not None else None)

        def path(moid: str, depth: int = 0) -> str:
            name, parent = parents.get(moid, (moid, None))
            if parent is None:
                return ""  # the root folder: paths start below it
            if parent not in parents or depth > 64:
                return f"/{name}"  # a child of the root folder (the view does not list the root itself)
            return f"{path(parent, depth + 1)}/{name}"

        self.paths = {moid: path(moid) for moid in parents}
        for obj, _ in self.collect(self.vim.Datacenter, ["name"]):
            self.mark(self.paths.get(obj._moId, obj._moId), Support.SUPPORTED, "datacenter: its objects are read")

    def _name(self, obj: Any, raw: str, what: str, device: bool | None) -> str | None:
        """The design name of an object: its vCenter name, when the design can hold it (``device``: a host's
        name rules; None: a distributed switch's; False: a label's)."""
        try:
            name = (fields.device_name(raw, what) if device else fields.dvs_name(raw) if device is None
                    else fields.label(raw, what))
        except ValueError as exc:
            self.mark(self.paths.get(obj._moId, raw), Support.WRONG, f"{exc}: not imported")
            return None
        self.names[obj._moId] = name
        return name

    def _datastores(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for obj, p in self.collect(self.vim.Datastore, ["name", "summary.type", "summary.capacity"]):
            path = self.paths.get(obj._moId, p["name"])
            name = self._name(obj, p["name"], "datastore name", device=False)
            if name is None:
                continue
            kind = p.get("summary.type") or ""
            item: dict[str, Any] = {"capacity_gb": round((p.get("summary.capacity") or 0) / 2**30, 2)}
            if kind in _DS_TYPE:
                dtype, transport = _DS_TYPE[kind]
                item["type"] = dtype
                if transport:
                    item["transport"] = transport
                    self.mark(path, Support.SUPPORTED)
                else:
                    self.mark(path, Support.PARTIAL, f"{kind}: the storage transport (FC, iSCSI, local) is not read; "
                              "the design's default (fc) stands")
            else:
                self.mark(path, Support.PARTIAL, f"datastore type {kind!r} is not one the design knows: imported as "
                          "the default vmfs/fc")
            out[name] = item
        return out

    def _clusters(self) -> tuple[dict[str, Any], dict[str, str]]:
        out: dict[str, Any] = {}
        cluster_of: dict[str, str] = {}
        for obj, p in self.collect(self.vim.ClusterComputeResource, ["name", "configurationEx", "host"]):
            path = self.paths.get(obj._moId, p["name"])
            name = self._name(obj, p["name"], "cluster name", device=False)
            if name is None:
                continue
            cfg = p.get("configurationEx")
            item: dict[str, Any] = {"drs": _drs(_get(cfg, "drsConfig")), "ha": {}, "rules": []}
            das = _get(cfg, "dasConfig")
            notes: list[str] = []
            item["ha"] = _ha(das, self.vim, notes)
            item["_rules"] = list(_get(cfg, "rule") or [])
            item["_groups"] = list(_get(cfg, "group") or [])
            item["_path"] = path
            for host in p.get("host") or []:
                cluster_of[host._moId] = name
            self.mark(path, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))
            out[name] = item
        return out, cluster_of

    def _dvswitches(self) -> tuple[dict[str, tuple[str, str]], dict[str, Any]]:
        """Distributed switches and their port groups; ``dvs_pg``: port-group key -> (dvs name, label)."""
        vim = self.vim
        switches: dict[str, Any] = {}
        by_moid: dict[str, str] = {}
        by_uuid: dict[str, str] = {}
        for obj, p in self.collect(vim.DistributedVirtualSwitch, ["name", "uuid", "config"]):
            path = self.paths.get(obj._moId, p["name"])
            name = self._name(obj, p["name"], "distributed switch name", device=None)
            if name is None:
                continue
            cfg = p.get("config")
            notes: list[str] = []
            item: dict[str, Any] = {"hosts": {}, "portgroups": {}, "_path": path}
            version = _get(cfg, "productInfo.version")
            if version:
                item["version"] = str(version)
            mtu = _get(cfg, "maxMtu")
            if mtu:
                try:
                    item["mtu"] = fields.mtu(int(mtu))
                except ValueError as exc:
                    notes.append(f"{exc}: the design's default MTU stands")
            else:
                notes.append("no MTU set: the design's default stands")
            uplinks = list(_get(cfg, "uplinkPortPolicy.uplinkPortName") or [])
            if uplinks:
                item["uplinks"] = uplinks
            lags = {}
            for lag in _get(cfg, "lacpGroupConfig") or []:
                lags[lag.name] = {"mode": lag.mode or "passive", "uplinks": list(lag.uplinkName or [])}
            if lags:
                item["lacp"] = {"lags": lags}
            team = _fit_dv_team(_dv_teaming(_get(cfg, "defaultPortConfig.uplinkTeamingPolicy"), inherited_too=True),
                                item, notes)
            if team:
                item["teaming"] = team
            if not (_get(cfg, "host") or []):
                notes.append("vCenter lists no member hosts")
            self.mark(path, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))
            switches[name] = item
            by_moid[obj._moId] = name
            if p.get("uuid"):
                by_uuid[p["uuid"]] = name
        dvs_pg: dict[str, tuple[str, str]] = {}
        for obj, p in self.collect(vim.dvs.DistributedVirtualPortgroup, ["name", "key", "config"]):
            path = self.paths.get(obj._moId, p["name"])
            cfg = p.get("config")
            dvs = _get(cfg, "distributedVirtualSwitch")
            sw = by_moid.get(dvs._moId) if dvs is not None else None
            if sw is None:
                self.mark(path, Support.WRONG, "its distributed switch is not imported")
                continue
            tags = [t.key for t in _get(cfg, "tag") or []]
            trunk = isinstance(_get(cfg, "defaultPortConfig.vlan"), vim.dvs.VmwareDistributedVirtualSwitch.TrunkVlanSpec)
            # vcsim marks its uplink port group by neither flag nor tag, only by name
            if _get(cfg, "uplink") or "SYSTEM/DVS.UPLINKPG" in tags or (trunk and p["name"].startswith(f"{sw}-DVUplinks")):
                self.mark(path, Support.IGNORED, "the dvUplink port group: the design holds dvUplinks on the switch")
                continue
            label = self._name(obj, p["name"], "port group name", device=False)
            if label is None:
                continue
            notes = []
            pg: dict[str, Any] = {"vlan": self._dv_vlan(_get(cfg, "defaultPortConfig.vlan"), notes)}
            team = _fit_dv_team(_dv_teaming(_get(cfg, "defaultPortConfig.uplinkTeamingPolicy"), inherited_too=False),
                                switches[sw], notes)
            if team:
                pg["teaming"] = team
            switches[sw]["portgroups"][label] = pg
            dvs_pg[p.get("key") or obj._moId] = (sw, label)
            self.mark(path, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))
        self._dvs_uuid = by_uuid
        return dvs_pg, switches

    def _dv_vlan(self, spec: Any, notes: list[str]) -> Any:
        vds = self.vim.dvs.VmwareDistributedVirtualSwitch
        if isinstance(spec, vds.VlanIdSpec):
            return int(spec.vlanId or 0)
        if isinstance(spec, vds.TrunkVlanSpec):
            ranges = [f"{r.start}-{r.end}" if r.start != r.end else str(r.start) for r in spec.vlanId or []]
            return {"trunk": ",".join(ranges) or "none"}
        if isinstance(spec, vds.PvlanSpec):
            return {"pvlan": int(spec.pvlanId)}
        notes.append("no VLAN setting: VLAN 0 (none)")
        return 0

    def _hosts(self, cluster_of: dict[str, str], datastores: dict[str, Any], dvs_pg: dict[str, tuple[str, str]],
               dvswitches: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        props = ["name", "config.network", "config.virtualNicManagerInfo", "config.product", "summary.hardware",
                 "runtime.connectionState", "runtime.inMaintenanceMode", "datastore", "configManager.networkSystem"]
        for obj, p in self.collect(self.vim.HostSystem, props):
            path = self.paths.get(obj._moId, p["name"])
            name = self._name(obj, p["name"], "host name", device=True)
            if name is None:
                continue
            notes: list[str] = []
            host: dict[str, Any] = {"product": "esxi", "nics": {}, "vswitches": {}, "vmkernel": {}}
            if obj._moId in cluster_of:
                host["cluster"] = cluster_of[obj._moId]
            version = _get(p.get("config.product"), "version")
            if version:
                host["version"] = str(version)
            hw = p.get("summary.hardware")
            if hw is not None and hw.numCpuPkgs:
                cpu: dict[str, Any] = {"sockets": int(hw.numCpuPkgs),
                                       "cores": max(1, int(hw.numCpuCores or 0) // int(hw.numCpuPkgs)),
                                       "mhz": int(hw.cpuMhz or 2000)}
                model = str(hw.cpuModel or "").lower()
                if "intel" in model or "amd" in model:
                    cpu["vendor"] = "intel" if "intel" in model else "amd"
                host["cpu"] = cpu
            if hw is not None and hw.memorySize:
                host["memory_gb"] = round(hw.memorySize / 2**30, 2)
            state = p.get("runtime.connectionState")
            host["state"] = "maintenance" if p.get("runtime.inMaintenanceMode") else (
                "connected" if state in (None, "connected") else "disconnected")
            host["datastores"] = [self.names[d._moId] for d in p.get("datastore") or [] if d._moId in self.names
                                  and self.names[d._moId] in datastores]
            net = p.get("config.network")
            if net is None:
                notes.append("no network configuration (host disconnected?): no NICs or vSwitches")
            else:
                self._host_network(name, path, host, net, p.get("config.virtualNicManagerInfo"), dvs_pg, dvswitches,
                                   p.get("configManager.networkSystem"))
            self.mark(path, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))
            out[name] = host
        return out

    def _host_network(self, name: str, path: str, host: dict[str, Any], net: Any, nic_mgr: Any,
                      dvs_pg: dict[str, tuple[str, str]], dvswitches: dict[str, Any], network_system: Any) -> None:
        pnic_by_key: dict[str, str] = {}
        hints = self._hints(network_system)
        for pnic in net.pnic or []:
            pnic_by_key[pnic.key] = pnic.device
            nic: dict[str, Any] = {}
            speed = _get(pnic, "linkSpeed.speedMb")
            if speed:
                nic["speed"] = fields.speed(int(speed))
            if pnic.mac:
                try:
                    nic["mac"] = fields.mac(pnic.mac)
                except ValueError as exc:
                    self.mark(f"{path}/{pnic.device}", Support.WRONG, f"{exc}: MAC not imported")
            if pnic.driver:
                nic["driver"] = str(pnic.driver)
            if pnic.device in hints:
                nic["description"] = hints[pnic.device]
            host["nics"][pnic.device] = nic
            self.mark(f"{path}/{pnic.device}", Support.SUPPORTED if speed else Support.PARTIAL,
                      "" if speed else "link down: the design's default speed stands")
        labels: set[str] = set()
        for vs in net.vswitch or []:
            vpath = f"{path}/{vs.name}"
            item: dict[str, Any] = {"uplinks": [pnic_by_key.get(k, k.rsplit("-", 1)[-1]) for k in vs.pnic or []],
                                    "portgroups": {}}
            notes: list[str] = []
            if vs.mtu:
                try:
                    item["mtu"] = fields.mtu(int(vs.mtu))
                except ValueError as exc:
                    notes.append(str(exc))
            policy = _get(vs, "spec.policy")
            team = _vss_teaming(_get(policy, "nicTeaming"), item["uplinks"])
            if team:
                item["teaming"] = team
            security = _security(_get(policy, "security"))
            if security:
                item["security"] = security
            if _get(policy, "shapingPolicy.enabled"):
                notes.append("traffic shaping is on: not imported")
            item["_path"], item["_notes"] = vpath, notes
            host["vswitches"][vs.name] = item
        for pg in net.portgroup or []:
            spec = pg.spec
            ppath = f"{path}/{spec.vswitchName}/{spec.name}"
            vs_item = host["vswitches"].get(spec.vswitchName)
            if vs_item is None:
                self.mark(ppath, Support.WRONG, f"its vSwitch {spec.vswitchName} is not on the host: not imported")
                continue
            try:
                fields.label(spec.name, "port group name")
            except ValueError as exc:
                self.mark(ppath, Support.WRONG, f"{exc}: not imported")
                continue
            pg_item: dict[str, Any] = {"vlan": int(spec.vlanId or 0)}
            team = _vss_teaming(_get(spec, "policy.nicTeaming"), None)
            if team:
                pg_item["teaming"] = _only_uplinks(team, vs_item["uplinks"])
            security = _security(_get(spec, "policy.security"))
            if security:
                pg_item["security"] = security
            vs_item["portgroups"][spec.name] = pg_item
            labels.add(spec.name)
            self.mark(ppath, Support.SUPPORTED)
        for vs_name, vs_item in host["vswitches"].items():
            notes = vs_item.pop("_notes")
            self.mark(vs_item.pop("_path"), Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))
            del vs_name
        for proxy in net.proxySwitch or []:
            dvs = self._dvs_uuid.get(proxy.dvsUuid)
            if dvs is None:
                continue
            mapping = {kv.value: pnic_by_key.get(spec_key, spec_key) for kv in proxy.uplinkPort or []
                       for spec_key in [self._pnic_for_port(proxy, kv.key)] if spec_key}
            dvswitches[dvs]["hosts"][name] = {up: nic for up, nic in mapping.items() if nic in host["nics"]}
        services: dict[str, list[str]] = defaultdict(list)
        ignored: dict[str, list[str]] = defaultdict(list)
        for cfg in _get(nic_mgr, "netConfig") or []:
            selected = set(cfg.selectedVnic or [])
            for cand in cfg.candidateVnic or []:
                if cand.key in selected:
                    if cfg.nicType in _SERVICES:
                        services[cand.device].append(_SERVICES[cfg.nicType])
                    else:
                        ignored[cand.device].append(cfg.nicType)
        for vnic in net.vnic or []:
            kpath = f"{path}/{vnic.device}"
            spec = vnic.spec
            notes = []
            item = {}
            dvport = _get(spec, "distributedVirtualPort")
            if dvport is not None:
                found = dvs_pg.get(dvport.portgroupKey)
                if found is None:
                    self.mark(kpath, Support.WRONG, "on a distributed port group that is not imported: not imported")
                    continue
                item["portgroup"] = f"{found[0]}/{found[1]}"
                dvswitches[found[0]]["hosts"].setdefault(name, {})
            elif vnic.portgroup in labels:
                item["portgroup"] = vnic.portgroup
            else:
                self.mark(kpath, Support.WRONG, f"port group {vnic.portgroup!r} is not imported: not imported")
                continue
            ip, mask = _get(spec, "ip.ipAddress"), _get(spec, "ip.subnetMask")
            if ip and mask:
                try:
                    item["ip"] = fields.ipv4_interface(ip, mask)
                except ValueError as exc:
                    notes.append(f"{exc}: address not imported")
            if spec.mac:
                item["mac"] = fields.mac(spec.mac)
            if spec.mtu:
                item["mtu"] = fields.mtu(int(spec.mtu))
            gateway = _get(spec, "ipRouteSpec.ipRouteConfig.defaultGateway")
            if gateway:
                try:
                    item["gateway"] = fields.ipv4_address(gateway)
                except ValueError as exc:
                    notes.append(f"gateway {gateway}: {exc}")
            if services.get(vnic.device):
                item["services"] = sorted(set(services[vnic.device]))
            if ignored.get(vnic.device):
                notes.append(f"services not modelled: {', '.join(sorted(ignored[vnic.device]))}")
            host["vmkernel"][vnic.device] = item
            self.mark(kpath, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))

    @staticmethod
    def _pnic_for_port(proxy: Any, port_key: str) -> str | None:
        for spec in _get(proxy, "spec.backing.pnicSpec") or []:
            if spec.uplinkPortKey == port_key:
                return str(spec.pnicDevice)
        return None

    def _hints(self, network_system: Any) -> dict[str, str]:
        """CDP/LLDP: which switch port each vmnic sees, as text for the vmnic's description."""
        if network_system is None:
            return {}
        try:
            hints = network_system.QueryNetworkHint()
        except Exception:  # a host that cannot answer (disconnected, no permission) simply has no hints
            return {}
        out: dict[str, str] = {}
        for hint in hints or []:
            cdp = hint.connectedSwitchPort
            lldp = hint.lldpInfo
            if cdp is not None and cdp.devId:
                out[hint.device] = f"CDP: {cdp.devId} {cdp.portId or ''}".strip()
            elif lldp is not None and (lldp.systemName or lldp.chassisId):
                out[hint.device] = f"LLDP: {lldp.systemName or lldp.chassisId} {lldp.portId or ''}".strip()
        return out

    def _vms(self, hosts: dict[str, Any], datastores: dict[str, Any], dvs_pg: dict[str, tuple[str, str]],
             dvswitches: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        vim = self.vim
        vms: dict[str, Any] = {}
        templates: dict[str, Any] = {}
        props = ["name", "config.template", "config.hardware", "config.guestId", "runtime.host",
                 "runtime.powerState", "datastore", "guest.net"]
        for obj, p in self.collect(vim.VirtualMachine, props):
            path = self.paths.get(obj._moId, p["name"])
            name = self._name(obj, p["name"], "VM name", device=False)
            if name is None:
                continue
            notes: list[str] = []
            hw = p.get("config.hardware")
            item: dict[str, Any] = {}
            if hw is not None:
                item["cpu"] = {"vcpus": max(1, int(hw.numCPU or 1))}
                if hw.memoryMB:
                    item["memory_gb"] = round(hw.memoryMB / 1024, 3)
            if p.get("config.guestId"):
                item["guest"] = str(p["config.guestId"])
            ds = [self.names[d._moId] for d in p.get("datastore") or [] if self.names.get(d._moId) in datastores]
            if ds:
                item["datastore"] = ds[0]
                if len(ds) > 1:
                    notes.append(f"disks on {len(ds)} datastores: the first ({ds[0]}) is imported")
            template = bool(p.get("config.template"))
            host_ref = p.get("runtime.host")
            host = self.names.get(host_ref._moId) if host_ref is not None else None
            if not template:
                if host is None or host not in hosts:
                    self.mark(path, Support.WRONG, "its host is not imported: not imported")
                    continue
                item["host"] = host
                item["power"] = _POWER.get(p.get("runtime.powerState") or "poweredOn", "on")
            guest_ips = {}
            for gnic in p.get("guest.net") or []:
                for addr in _get(gnic, "ipConfig.ipAddress") or []:
                    if ":" not in addr.ipAddress and gnic.macAddress and gnic.macAddress not in guest_ips:
                        guest_ips[gnic.macAddress.lower()] = (addr.ipAddress, addr.prefixLength)
            nics = []
            for k, dev in enumerate(d for d in (hw.device if hw is not None else []) or []
                                    if isinstance(d, vim.vm.device.VirtualEthernetCard)):
                label = _get(dev, "deviceInfo.label") or f"NIC {k + 1}"
                network = self._vm_network(dev.backing, host, hosts, dvs_pg, dvswitches, notes, label, template)
                if network is None:
                    continue
                nic: dict[str, Any] = {"network": network}
                if dev.macAddress:
                    try:
                        nic["mac"] = fields.mac(dev.macAddress)
                    except ValueError as exc:
                        notes.append(f"{label}: {exc}")
                if nic.get("mac") in guest_ips:
                    ip, prefix = guest_ips[nic["mac"]]
                    try:
                        nic["ip"] = fields.ipv4_interface(ip, prefix)
                    except ValueError as exc:
                        notes.append(f"{label}: {exc}")
                connected = _get(dev, "connectable.connected")
                if connected is False and not template and item.get("power") == "on":
                    nic["connected"] = False
                nics.append(nic)
            if nics:
                item["nics"] = nics
            item["_path"] = path
            (templates if template else vms)[name] = item
            self.mark(path, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))
        for group in (vms, templates):
            for item in group.values():
                item.pop("_path", None)
        return vms, templates

    def _vm_network(self, backing: Any, host: str | None, hosts: dict[str, Any], dvs_pg: dict[str, tuple[str, str]],
                    dvswitches: dict[str, Any], notes: list[str], label: str, template: bool) -> str | None:
        vim = self.vim
        if isinstance(backing, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo):
            found = dvs_pg.get(_get(backing, "port.portgroupKey"))
            if found is None:
                notes.append(f"{label}: on a distributed port group that is not imported: NIC not imported")
                return None
            dvs, pg = found
            if host is not None and not template and host not in dvswitches[dvs]["hosts"]:
                # the VM is plugged into the DVS, so its host is a member, whatever vCenter's list says
                dvswitches[dvs]["hosts"][host] = {}
                self.mark(dvswitches[dvs]["_path"], Support.PARTIAL,
                          f"{host} is not in its member list, but VMs on {host} use it: added with no vmnics bound")
            return f"{dvs}/{pg}"
        if isinstance(backing, vim.vm.device.VirtualEthernetCard.NetworkBackingInfo):
            pg = backing.deviceName
            if template or host is None:
                return pg
            if any(pg in vs["portgroups"] for vs in hosts[host]["vswitches"].values()):
                return pg
            notes.append(f"{label}: port group {pg!r} is not on {host}: NIC not imported")
            return None
        notes.append(f"{label}: backing {type(backing).__name__} (opaque or NSX network) is not modelled: NIC not imported")
        return None

    def _rules(self, clusters: dict[str, Any], vms: dict[str, Any], hosts: dict[str, Any]) -> None:
        """DRS rules (cluster-behaviour DRS rules): VM-VM affinity and anti-affinity, VM-host rules through
        their groups. A rule naming a VM or host that is not imported is reported and left out."""
        vim = self.vim
        for cname, cl in clusters.items():
            groups = {g.name: g for g in cl.pop("_groups")}
            path = cl.pop("_path")
            for rule in cl.pop("_rules"):
                rpath = f"{path}/rules/{rule.name}"
                item: dict[str, Any] = {"name": str(rule.name), "enabled": bool(rule.enabled)}
                if isinstance(rule, vim.cluster.AffinityRuleSpec | vim.cluster.AntiAffinityRuleSpec):
                    item["type"] = "affinity" if isinstance(rule, vim.cluster.AffinityRuleSpec) else "anti_affinity"
                    item["vms"] = [self.names.get(v._moId, v._moId) for v in rule.vm or []]
                    item["must"] = bool(getattr(rule, "mandatory", False))
                elif isinstance(rule, vim.cluster.VmHostRuleInfo):
                    vm_group = groups.get(rule.vmGroupName)
                    host_group = groups.get(rule.affineHostGroupName or rule.antiAffineHostGroupName)
                    item["type"] = "vm_host" if rule.affineHostGroupName else "vm_anti_host"
                    item["vms"] = [self.names.get(v._moId, v._moId) for v in _get(vm_group, "vm") or []]
                    item["hosts"] = [self.names.get(h._moId, h._moId) for h in _get(host_group, "host") or []]
                    item["must"] = bool(rule.mandatory)
                else:
                    self.mark(rpath, Support.UNRECOGNISED, f"rule kind {type(rule).__name__} is not modelled")
                    continue
                missing = [v for v in item["vms"] if v not in vms] + [
                    h for h in item.get("hosts", []) if h not in hosts or hosts[h].get("cluster") != cname]
                if missing:
                    self.mark(rpath, Support.WRONG, f"names {', '.join(missing)}, not imported here: rule not imported")
                    continue
                cl["rules"].append(item)
                self.mark(rpath, Support.SUPPORTED)
            ha = cl["ha"]
            if "_failover_hosts" in ha:  # named now that the hosts are read; one not imported is left out
                named = [self.names.get(m) for m in ha.pop("_failover_hosts")]
                ha["admission_control"]["value"] = [h for h in named if h in hosts]
            if not cl["rules"]:
                del cl["rules"]

    def _duplicate_macs(self, hosts: dict[str, Any], vms: dict[str, Any], dvswitches: dict[str, Any]) -> None:
        """Report each MAC that more than one host or VM holds, on every holder, naming the others.

        A host's VMkernel port sharing its own vmnic's MAC is ESXi's normal behaviour (vmk0 takes the first
        pNIC's MAC), so one host counts once; vcsim gives every host the same pNIC MACs and the VMs of one
        pool one MAC, which this reports rather than drops."""
        holders: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        host_paths = {self.names[m]: p for m, p in self.paths.items() if m in self.names}
        for hname, host in hosts.items():
            base = host_paths.get(hname, hname)
            for nic_name, nic in host["nics"].items():
                if "mac" in nic:
                    holders[nic["mac"]][f"host {hname}"].append(f"{base}/{nic_name}")
            for vmk_name, vmk in host["vmkernel"].items():
                if "mac" in vmk:
                    holders[vmk["mac"]][f"host {hname}"].append(f"{base}/{vmk_name}")
        for vname, vm in vms.items():
            base = host_paths.get(vname, vname)
            for k, nic in enumerate(vm.get("nics", [])):
                if "mac" in nic:
                    holders[nic["mac"]][f"vm {vname} nic{k}"].append(f"{base}/nic{k}")
        for mac, owners in sorted(holders.items()):
            if len(owners) < 2:
                continue
            for owner, paths in owners.items():
                others = sorted(o for o in owners if o != owner)
                for p in paths:
                    self.mark(p, Support.WRONG, f"MAC {mac} is also held by {', '.join(others)} "
                              f"({len(owners)} holders in vCenter's data): kept as vCenter states it")
        del dvswitches


def _design_name(content: Any) -> str:
    about = _get(content, "about.fullName") or "vcenter"
    return f"imported from {about}"


def _ha(das: Any, vim: Any, notes: list[str]) -> dict[str, Any]:
    """HA (cluster-behaviour HA): admission control, isolation response and addresses. Failover hosts are
    kept as managed-object ids in ``_failover_hosts`` until the hosts are named."""
    ha: dict[str, Any] = {"enabled": bool(_get(das, "enabled"))}
    policy = _get(das, "admissionControlPolicy")
    if not _get(das, "admissionControlEnabled") and das is not None:
        ha["admission_control"] = {"policy": "disabled", "value": 0}
    elif isinstance(policy, vim.cluster.FailoverLevelAdmissionControlPolicy):
        ha["admission_control"] = {"policy": "host_failures", "value": int(policy.failoverLevel)}
    elif isinstance(policy, vim.cluster.FailoverResourcesAdmissionControlPolicy):
        pct = min(policy.cpuFailoverResourcesPercent or 0, policy.memoryFailoverResourcesPercent or 0)
        ha["admission_control"] = {"policy": "percentage", "value": int(pct)}
        if policy.cpuFailoverResourcesPercent != policy.memoryFailoverResourcesPercent:
            notes.append("HA reserves different CPU and memory percentages: the lower is imported")
    elif isinstance(policy, vim.cluster.FailoverHostAdmissionControlPolicy):
        ha["admission_control"] = {"policy": "failover_hosts", "value": []}
        ha["_failover_hosts"] = [h._moId for h in policy.failoverHosts or []]
    response = _get(das, "defaultVmSettings.isolationResponse")
    if response in _ISOLATION:
        ha["isolation_response"] = _ISOLATION[response]
    addresses = []
    for opt in _get(das, "option") or []:
        if str(opt.key).startswith("das.isolationaddress"):
            try:
                addresses.append(fields.ipv4_address(str(opt.value)))
            except ValueError as exc:
                notes.append(f"{opt.key}: {exc}")
    if addresses:
        ha["isolation_addresses"] = addresses
    return ha


def _drs(cfg: Any) -> dict[str, Any]:
    """vSphere ``vmotionRate`` 1 is the most aggressive and 5 the most conservative: the design's migration
    threshold counts the other way (cluster-behaviour DRS: 1 = conservative), so threshold = 6 - rate."""
    out: dict[str, Any] = {"enabled": bool(_get(cfg, "enabled"))}
    behavior = _get(cfg, "defaultVmBehavior")
    if behavior in _DRS_AUTOMATION:
        out["automation"] = _DRS_AUTOMATION[behavior]
    rate = _get(cfg, "vmotionRate")
    if isinstance(rate, int) and 1 <= rate <= 5:
        out["threshold"] = 6 - rate
    return out


def _vss_teaming(policy: Any, uplinks: Iterable[str] | None) -> dict[str, Any]:
    """A vSS NicTeamingPolicy -> topology-v1 teaming; unset fields are left out (inherited, T16)."""
    if policy is None:
        return {}
    team: dict[str, Any] = {}
    if policy.policy:
        mapped = fields.TEAMING_POLICY.get(policy.policy)
        if mapped:
            team["policy"] = mapped
    if policy.notifySwitches is not None:
        team["notify_switches"] = bool(policy.notifySwitches)
    if policy.rollingOrder is not None:
        team["failback"] = not policy.rollingOrder  # rolling order = no failback (T11)
    beacon = _get(policy, "failureCriteria.checkBeacon")
    if beacon is not None:
        team["detection"] = "beacon" if beacon else "link_status"
    order = policy.nicOrder
    if order is not None:
        team["active"] = list(order.activeNic or [])
        team["standby"] = list(order.standbyNic or [])
        if uplinks is not None:
            placed = set(team["active"]) | set(team["standby"])
            team["unused"] = [u for u in uplinks if u not in placed]
    return team


def _only_uplinks(team: dict[str, Any], uplinks: list[str]) -> dict[str, Any]:
    for role in ("active", "standby", "unused"):
        if role in team:
            team[role] = [u for u in team[role] if u in uplinks]
    return team


def _dv_teaming(policy: Any, inherited_too: bool) -> dict[str, Any]:
    """A vDS VmwareUplinkPortTeamingPolicy -> teaming; a port group keeps only what it does not inherit."""
    if policy is None:
        return {}

    def value(setting: Any) -> Any:
        if setting is None or (not inherited_too and getattr(setting, "inherited", False)):
            return None
        return getattr(setting, "value", None)

    team: dict[str, Any] = {}
    lb = value(policy.policy)
    if lb:
        mapped = fields.TEAMING_POLICY.get(lb)
        if mapped:
            team["policy"] = mapped
    notify = value(policy.notifySwitches)
    if notify is not None:
        team["notify_switches"] = bool(notify)
    rolling = value(policy.rollingOrder)
    if rolling is not None:
        team["failback"] = not rolling
    beacon = value(_get(policy, "failureCriteria.checkBeacon"))
    if beacon is not None:
        team["detection"] = "beacon" if beacon else "link_status"
    order = policy.uplinkPortOrder
    if order is not None and (inherited_too or not getattr(order, "inherited", False)):
        if order.activeUplinkPort is not None:
            team["active"] = list(order.activeUplinkPort)
        if order.standbyUplinkPort is not None:
            team["standby"] = list(order.standbyUplinkPort)
    return team


def _fit_dv_team(team: dict[str, Any], dvs: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """A vDS failover order names dvUplinks and LAGs; the design writes a LAG as ``lag:<name>`` (topology-v1,
    Distributed switches). A name that is neither is reported and left out (T9: a team holds its own uplinks)."""
    uplinks = dvs.get("uplinks", ["uplink1", "uplink2"])  # the model's default dvUplinks
    lags = set(dvs.get("lacp", {}).get("lags", {}))
    for role in ("active", "standby"):
        if role not in team:
            continue
        kept = []
        for name in team[role]:
            if name in lags:
                kept.append(f"lag:{name}")
            elif name in uplinks:
                kept.append(name)
            else:
                notes.append(f"{role} uplink {name} is not a dvUplink or LAG of the switch: left out")
        team[role] = kept
    return team


def _security(policy: Any) -> dict[str, Any]:
    if policy is None:
        return {}
    out = {}
    for src, dst in (("allowPromiscuous", "promiscuous"), ("macChanges", "mac_changes"),
                     ("forgedTransmits", "forged_transmits")):
        v = getattr(policy, src, None)
        if v is not None:
            out[dst] = bool(v)
    return out
