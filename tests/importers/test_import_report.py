"""The import report: Batfish's five support states, located lines, located source errors."""

from __future__ import annotations

from vinfra.importers.report import Imported, ImportSourceError, ReportLine, Support


def test_not_supported_lists_every_line_but_the_supported_in_source_order() -> None:
    report = (
        ReportLine("b.cfg", 3, "ip routing", Support.IGNORED),
        ReportLine("a.cfg", 9, "switchport trunk pruning vlan 3", Support.WRONG, "VTP pruning not modelled"),
        ReportLine("a.cfg", 2, "switchport mode trunk", Support.SUPPORTED),
        ReportLine("a.cfg", 4, "frobnicate", Support.UNRECOGNISED),
    )
    imported = Imported({"switches": {}}, report)
    assert [(r.source, r.line) for r in imported.not_supported()] == [("a.cfg", 4), ("a.cfg", 9), ("b.cfg", 3)]
    assert imported.counts() == {"unrecognised": 1, "ignored": 1, "wrong": 1, "partial": 0, "supported": 1}
    assert str(report[1]) == "a.cfg:9: wrong: switchport trunk pruning vlan 3 (VTP pruning not modelled)"


def test_a_source_error_is_located() -> None:
    err = ImportSourceError.at("leaf1.cfg", "the config ends inside an interface block", line=40, column=1)
    assert str(err) == "leaf1.cfg:40:1: error: the config ends inside an interface block"
