"""Golden diagnostics of tests/data/broken.yaml, shared by the loader and CLI tests."""

BROKEN = "tests/data/broken.yaml"

BROKEN_LINES = [
    # out of range, in a string VLAN list
    f"{BROKEN}:11:45: error: switches.sw-b.interfaces.Gi1/0/1.allowed_vlans: VLAN '5000' is out of range 1-4094 (got '10,5000')",
    # unknown key, with a suggestion
    f"{BROKEN}:11:56: error: switches.sw-b.interfaces.Gi1/0/1.natvie_vlan: unknown key 'natvie_vlan' (did you mean 'native_vlan'?)",
    # missing cluster and missing datastore; esx02 inherits both through '<<: *esx', so its errors point
    # at the lines of the anchor where the values are written
    f"{BROKEN}:16:14: error: hosts.esx01.cluster: cluster 'prod' is not declared under 'clusters'",
    f"{BROKEN}:16:14: error: hosts.esx02.cluster: cluster 'prod' is not declared under 'clusters'",
    f"{BROKEN}:17:18: error: hosts.esx01.datastores[0]: datastore 'ds-gold' is not declared under 'datastores'",
    f"{BROKEN}:17:18: error: hosts.esx02.datastores[0]: datastore 'ds-gold' is not declared under 'datastores'",
    # a team uplink that is not an uplink of its vSwitch (esx02 overrides vswitches: no error for it)
    f"{BROKEN}:24:36: error: hosts.esx01.vswitches.vSwitch0.teaming.active[1]: team active uplink vmnic1 is not an uplink of vSwitch0",
    # a port-group label on two vSwitches of one host
    f"{BROKEN}:30:11: error: hosts.esx01.vswitches.vSwitch1.portgroups.VM-10: port group 'VM-10' is on both vSwitch0 and vSwitch1; labels are unique per host",
    # wrong type
    f"{BROKEN}:35:16: error: hosts.esx03.memory_gb: Input should be a valid number, unable to parse string as a number (got 'plenty')",
    # unknown key, nothing close: the valid keys are listed
    f"{BROKEN}:37:29: error: hosts.esx03.nics.vmnic0.mtu: unknown key 'mtu' (expected one of: speed, mac, driver)",
    # a switch and a host with the same name
    f"{BROKEN}:38:3: error: hosts.esx04: duplicate name: 'esx04' is both a switch and a host",
    # a VM on a port group its host lacks
    f"{BROKEN}:42:22: error: vms.web01.nics[0].network: network 'VM-20' is not a port group on host esx01",
    # out of range
    f"{BROKEN}:45:18: error: vms.web02.cpu.vcpus: Input should be greater than or equal to 1 (got 0)",
    # a link to an undeclared interface
    f"{BROKEN}:48:20: error: links[1][1]: sw-a:Gi1/0/9: switch sw-a has no interface Gi1/0/9",
    f"{BROKEN}:49:47: error: links[2].speed: Input should be less than or equal to 800000 (got 100000000)",
]
