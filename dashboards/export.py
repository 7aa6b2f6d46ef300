"""Export the dashboards of a prepared Superset home and normalise them for clean diffs.

    uv run python -m dashboards.export [TARGET_DIR]

Runs ``superset export-dashboards`` in Superset's environment for ``$JINGFEN_HOME`` (the server
need not be stopped: it reads the metadata database), then rewrites the files as the bundle keeps
them: the bundle's file names, sorted keys, no instance ids, the database URI and default month
back to their placeholders. TARGET_DIR defaults to ``$JINGFEN_HOME/superset/export``; compare it
with ``dashboards/bundle`` (``diff -r``) and port the changes into spec.py, or copy a new
dashboard's files into the bundle as they are.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from core.errors import JingfenError
from core.settings import Settings
from dashboards.bundle import BUNDLE_DIR, normalize_export, read_bundle
from dashboards.service import environment, superset_bin


def export(settings: Settings, target: Path) -> dict[str, str]:
    """Export every dashboard of ``settings``' Superset into ``target``; return the files."""
    with tempfile.TemporaryDirectory() as work:
        exported = Path(work) / "export.zip"
        done = subprocess.run(
            [str(superset_bin("superset")), "export-dashboards", "-f", str(exported)],
            env=environment(settings),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not exported.exists():
            raise JingfenError(f"Superset could not export the dashboards: {done.stderr[-2000:]}")
        files = normalize_export(exported.read_bytes())
    if target.exists():
        shutil.rmtree(target)
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return files


def main(argv: list[str]) -> int:
    settings = Settings.from_env()
    target = Path(argv[0]) if argv else settings.superset_export
    files = export(settings, target)
    committed = read_bundle(BUNDLE_DIR)
    changed = sorted(n for n in files if committed.get(n) != files[n])
    missing = sorted(set(committed) - set(files))
    print(f"exported {len(files)} files to {target}")
    for name in changed:
        print(f"  {'new' if name not in committed else 'changed'}: {name}")
    for name in missing:
        print(f"  not in Superset: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
