"""A generated province run once through the whole pipeline, shared by a test module."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from core.settings import Settings
from generator import generate


def run_province(home: Path, defects: float, seed: int) -> Iterator[Settings]:
    """Generate a small province under ``home``, run the pipeline once, yield its settings."""
    previous = os.environ.get("JINGFEN_HOME")
    os.environ["JINGFEN_HOME"] = str(home)
    try:
        settings = Settings.from_env()
        generate(settings.landing, users=150, months=2, seed=seed, start="202601",
                 provinces=["571"], defects=defects, progress=lambda _m: None)  # fmt: skip
        from orchestration.runner import run_pipeline

        run_pipeline(settings, say=lambda _m: None)
        yield settings
    finally:
        if previous is None:
            os.environ.pop("JINGFEN_HOME", None)
        else:
            os.environ["JINGFEN_HOME"] = previous


def copy_home(settings: Settings, target: Path) -> Settings:
    """A copy of the lake, ops.duckdb and warehouse.duckdb, to break without harm."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(settings.lake, target / "lake")
    for name in ("ops.duckdb", "warehouse.duckdb"):
        shutil.copyfile(settings.home / name, target / name)
    return Settings(home=target, memory_limit=settings.memory_limit, threads=settings.threads)


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def execute(path: Path, sql: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(sql)
    finally:
        con.close()
