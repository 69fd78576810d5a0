

def test_locate_into_empty_flow_collections_stops_at_them() -> None:
    """An empty ``{}`` or ``[]`` carries no marks; a path into it points at its key."""
    from vinfra.io.source_map import SourceMap

    smap = SourceMap("a:\n  b: {}\n  c: []\n")
    assert smap.locate(("a", "b", "x")) == (2, 3)
    assert smap.locate(("a", "c", 0)) == (3, 3)
