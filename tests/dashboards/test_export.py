"""Exporting from the running Superset gives back the committed bundle, byte for byte."""

from __future__ import annotations

from dashboards.bundle import read_bundle
from dashboards.export import export


def test_export_round_trips_to_the_committed_bundle(superset, tmp_path):
    exported = export(superset.settings, tmp_path / "export")
    committed = read_bundle()
    assert sorted(exported) == sorted(committed)
    changed = [name for name in committed if exported[name] != committed[name]]
    assert not changed, f"export differs from the bundle in {changed}"
