"""ttp templates for ESXi command output (ntc-templates has none for ESXi).

Every captured line reaches ttp prefixed with its 1-based line number (``000042 <line>``), and every
template line starts with ``{{ ln }}``: each parsed record then says which source line it came from, so
the importer can give every line a support state and point errors at the line (the report, like
Batfish's, is per line). A template group is one kind of line; the importer assembles the records in line
order (a port-group row belongs to the vSwitch row above it), which keeps the templates flat.
"""

from __future__ import annotations

# Named patterns: ttp splits a match variable's functions on '|', so alternations live here.
_VARS = """
<vars>
BOOL = "true|false"
UPDOWN = "Up|Down"
DUPLEX = "Full|Half"
FAMILY = "IPv4|IPv6"
VMK = "vmk[0-9]+"
TITLE = "[^:\\\\n ][^:\\\\n]*"
HOSTKEY = "Domain Name|Fully Qualified Domain Name|Host Name"
</vars>
"""

# `esxcfg-vswitch -l`: a vSwitch (or DVS) row, its port-group table, a DVS's DVPort table.
ESXCFG_VSWITCH = _VARS + """
<group name="vss_header*">
{{ ln | _start_ }} Switch Name {{ rest | re(".*Uplinks") }}
</group>
<group name="dvs_header*">
{{ ln | _start_ }} DVS Name {{ rest | re(".*Uplinks") }}
</group>
<group name="pg_header*">
{{ ln | _start_ }} PortGroup Name {{ rest | re(".*Uplinks") }}
</group>
<group name="dvport_header*">
{{ ln | _start_ }} DVPort ID {{ rest | re(".*Client") }}
</group>
<group name="switch*">
{{ ln | _start_ }} {{ name | ORPHRASE }} {{ ports | DIGIT }} {{ used | DIGIT }} {{ configured | DIGIT }} {{ mtu | DIGIT }} {{ uplinks | WORD }}
{{ ln | _start_ }} {{ name | ORPHRASE }} {{ ports | DIGIT }} {{ used | DIGIT }} {{ configured | DIGIT }} {{ mtu | DIGIT }}
</group>
<group name="row4*">
{{ ln | _start_ }} {{ name | ORPHRASE }} {{ vlan | DIGIT }} {{ used | DIGIT }} {{ uplinks | WORD }}
{{ ln | _start_ }} {{ name | ORPHRASE }} {{ vlan | DIGIT }} {{ used | DIGIT }}
</group>
<group name="dvport*">
{{ ln | _start_ }} {{ port | DIGIT }} {{ in_use | DIGIT }} {{ client | WORD }}
{{ ln | _start_ }} {{ port | DIGIT }} {{ in_use | DIGIT }}
</group>
"""

# `esxcfg-vmknic -l`: one row per interface and address family.
ESXCFG_VMKNIC = _VARS + """
<group name="header*">
{{ ln | _start_ }} Interface {{ rest | re("Port Group.*") }}
</group>
<group name="vmknic*">
{{ ln | _start_ }} {{ name | re("VMK") }} {{ portgroup | ORPHRASE }} {{ family | re("FAMILY") }} {{ ip }} {{ netmask }} {{ broadcast }} {{ mac | MAC }} {{ mtu | DIGIT }} {{ tso }} {{ enabled | re("BOOL") }} {{ type | ORPHRASE }} {{ stack | WORD }}
{{ ln | _start_ }} {{ name | re("VMK") }} {{ portgroup | ORPHRASE }} {{ family | re("FAMILY") }} {{ ip }} {{ netmask }} {{ mac | MAC }} {{ mtu | DIGIT }} {{ tso }} {{ enabled | re("BOOL") }} {{ type | ORPHRASE }} {{ stack | WORD }}
</group>
"""

# `esxcfg-nics -l` and `esxcli network nic list` (same columns, the latter with a dashed rule).
ESXCFG_NICS = _VARS + """
<group name="header*">
{{ ln | _start_ }} Name {{ pci | re("PCI(?: Device)?") }} {{ rest | re("Driver.*") }}
</group>
<group name="rule*">
{{ ln | _start_ }} {{ rule | re("-+(?:[ \t]+-+)*") }}
</group>
<group name="nic*">
{{ ln | _start_ }} {{ name | re("vmnic[0-9]+") }} {{ pci }} {{ driver }} {{ admin | re("UPDOWN") }} {{ link | re("UPDOWN") }} {{ speed | DIGIT }} {{ duplex | re("DUPLEX") }} {{ mac | MAC }} {{ mtu | DIGIT }} {{ description | ORPHRASE }}
{{ ln | _start_ }} {{ name | re("vmnic[0-9]+") }} {{ pci }} {{ driver }} {{ link | re("UPDOWN") }} {{ speed | re("[0-9]+Mbps") }} {{ duplex | re("DUPLEX") }} {{ mac | MAC }} {{ mtu | DIGIT }} {{ description | ORPHRASE }}
</group>
"""

# `esxcli network vswitch standard portgroup list`
ESXCLI_PORTGROUP_LIST = _VARS + """
<group name="header*">
{{ ln | _start_ }} Name {{ rest | re("Virtual Switch.*VLAN ID") }}
</group>
<group name="rule*">
{{ ln | _start_ }} {{ rule | re("-+(?:[ \t]+-+)*") }}
</group>
<group name="pg*">
{{ ln | _start_ }} {{ name | ORPHRASE }} {{ vswitch | WORD }} {{ clients | DIGIT }} {{ vlan | DIGIT }}
</group>
"""

# `esxcli network ip interface ipv4 get`
ESXCLI_IPV4_GET = _VARS + """
<group name="header*">
{{ ln | _start_ }} Name {{ rest | re("IPv4 Address.*") }}
</group>
<group name="rule*">
{{ ln | _start_ }} {{ rule | re("-+(?:[ \t]+-+)*") }}
</group>
<group name="ipv4*">
{{ ln | _start_ }} {{ name | re("vmk[0-9]+") }} {{ ip | IP }} {{ netmask | IP }} {{ broadcast }} {{ type | WORD }} {{ gateway | IP }} {{ dhcp_dns | re("BOOL") }}
{{ ln | _start_ }} {{ name | re("vmk[0-9]+") }} {{ ip | IP }} {{ netmask | IP }} {{ broadcast }} {{ type | WORD }} {{ dhcp_dns | re("BOOL") }}
</group>
"""

# The `esxcli` key/value forms: `vswitch standard list`, `ip interface list`, `... policy failover get`.
# A block title is a bare word at the left margin; its fields are indented `Key: value` lines.
ESXCLI_BLOCKS = _VARS + """
<group name="field*">
{{ ln | _start_ }} {{ key | re("[A-Z][A-Za-z0-9 /]*?") }}: {{ value | ORPHRASE }}
{{ ln | _start_ }} {{ key | re("[A-Z][A-Za-z0-9 /]*?") }}:
</group>
<group name="title*">
{{ ln | _start_ }} {{ title | re("TITLE") }}
</group>
"""

# `hostname` / `esxcli system hostname get`
ESXCLI_HOSTNAME = _VARS + """
<group name="field*">
{{ ln | _start_ }} {{ key | re("HOSTKEY") }}: {{ value }}
</group>
<group name="bare*">
{{ ln | _start_ }} {{ value | re("[A-Za-z0-9][A-Za-z0-9.-]*") }}
</group>
"""
