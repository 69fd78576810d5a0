"""Port-channel summary tables (ntc-templates' real IOS and Arista-form outputs) to channel membership."""

from __future__ import annotations

import pytest

from _import_data import DATA
from vinfra.importers.channel_summary import parse_channel_summary
from vinfra.importers.report import ImportSourceError, Support

IOS = DATA / "ntc-templates" / "show_etherchannel_summary.raw"
EOS_FORM = DATA / "ntc-templates" / "cisco_nxos_show_port-channel_summary.raw"


def _members(imported: object) -> dict[str, tuple[int, str]]:
    (sw,) = imported.design["switches"].values()  # type: ignore[attr-defined]
    return {n: (f["channel_group"], f["channel_mode"]) for n, f in sw["interfaces"].items() if "channel_group" in f}


def test_ios_etherchannel_summary_with_a_wrapped_member_list() -> None:
    imported = parse_channel_summary(IOS.read_text(encoding="utf-8"), str(IOS))
    members = _members(imported)
    assert [n for n, (g, _) in members.items() if g == 1] == ["Te6/4", "Te3/5", "Te9/4", "Te5/5"]  # Te5/5 wrapped
    assert len(members) == 12 and {m for _, m in members.values()} == {"active"}
    # a bare LACP shows no side: taken as active, and said so on the row and its continuation
    assert {r.line: r.support for r in imported.report if r.line in (19, 20)} == {19: Support.PARTIAL,
                                                                                  20: Support.PARTIAL}


def test_arista_form_summary_states_and_down_bundle() -> None:
    imported = parse_channel_summary(EOS_FORM.read_text(encoding="utf-8"), str(EOS_FORM))
    members = _members(imported)
    assert [n for n, (g, _) in members.items() if g == 101] == [f"Et3/{a}/{b}" for a in (1, 3) for b in (1, 2, 3, 4)]
    (down,) = [r for r in imported.report if r.text.startswith("Po25(D)")]
    assert down.support is Support.PARTIAL and "Po25 down" in down.message


def test_a_port_channel_without_members_and_a_cut_table() -> None:
    text = IOS.read_text(encoding="utf-8") + "\n60     Po60(SD)        -\n"
    (sw,) = parse_channel_summary(text, "x").design["switches"].values()
    assert sw["interfaces"]["Po60"] == {}
    with pytest.raises(ImportSourceError) as info:
        parse_channel_summary(text + "61     Po61(SU)        LACP      Te7/1(\n", "x")
    assert info.value.diagnostics[0].line == 27
    with pytest.raises(ImportSourceError):
        parse_channel_summary("hostname sw\n", "x")
