"""service_password blanked in the archived and quarantined copies (interfaces.md §3).

The copies keep every delivered byte but the password field; the load log keeps the hash of the
file as delivered, so a re-delivery is still recognised.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from core.contract import INTERFACES
from core.settings import Settings
from ingestion.blanking import blank_copy
from ingestion.ingest import ingest_landing
from ingestion.parse import redact
from tests.ingestion.deliveries import PASSWORD, land, ops_rows, user_row, write_check

# GBK bytes of these characters hold 0x7C, the separator: blanking must split decoded text.
PIPE_TRAIL = "東方瑋億"


def _lines(rows: list[str], newline: str = "\n") -> str:
    return "".join(row + newline for row in rows)


def _rows() -> list[str]:
    return [
        "|".join(user_row(1)),
        "|".join(user_row(2, name_free=PIPE_TRAIL)),
        "|".join(user_row(3, service_password="")),
        "",  # a blank line stays a blank line
        "|".join(user_row(4)) + "|extra",  # one field too many: the password may be either
        "|".join(user_row(5)[:5] + user_row(5)[6:]),  # one missing: the password moved left
    ]


def _blanked_rows() -> list[str]:
    fields = user_row(5)[:5] + user_row(5)[6:]
    return [
        "|".join(user_row(1)[:-1]) + "|",
        "|".join(user_row(2, name_free=PIPE_TRAIL)[:-1]) + "|",
        "|".join(user_row(3)[:-1]) + "|",
        "",
        "|".join(user_row(4)[:-1]) + "||",
        "|".join(fields[:-1]) + "|",
    ]


def _no_password_under(home: Path) -> None:
    """Every file under the home, gzip members opened, holds no password."""
    for path in home.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            assert PASSWORD.encode() not in data, path


@pytest.mark.parametrize(
    ("gz", "encoding", "newline"),
    [(False, "UTF-8", "\n"), (True, "UTF-8", "\n"), (False, "GBK", "\r\n"), (True, "GBK", "\r\n")],
)
def test_archived_copy_is_the_delivery_without_its_passwords(settings, gz, encoding, newline):
    lenient = dataclasses.replace(settings, reject_threshold=0.5)
    codec = "gbk" if encoding == "GBK" else "utf-8"
    data = land(lenient, "USER", _rows(), "202610", gz=gz, encoding=encoding, newline=newline,
                record_count=5)  # fmt: skip
    delivered = data.read_bytes()

    (outcome,) = ingest_landing(lenient, progress=None).outcomes

    assert (outcome.status, outcome.loaded_count, outcome.rejected_count) == ("LOADED", 3, 2)
    archived = (lenient.archive / data.name).read_bytes()
    assert (archived[:2] == b"\x1f\x8b") is gz
    text = gzip.decompress(archived) if gz else archived
    assert text == _lines(_blanked_rows(), newline).encode(codec)
    assert ops_rows(lenient, "SELECT content_sha256 FROM load_log") == [
        (hashlib.sha256(delivered).hexdigest(),)
    ]
    _no_password_under(lenient.home)


def test_redelivery_is_still_recognised_by_the_delivered_hash(settings):
    data = land(settings, "USER", [user_row(1), user_row(2)], "202610")
    first = data.read_bytes()
    ingest_landing(settings, progress=None)
    data.write_bytes(first)
    write_check(settings, data, record_count=2)
    again = ingest_landing(settings, progress=None).outcomes
    land(settings, "USER", [user_row(1), user_row(3)], "202610")
    changed = ingest_landing(settings, progress=None).outcomes

    assert [(o.status, o.reason) for o in again] == [
        ("SKIPPED", "identical to the version already loaded")
    ]
    assert [o.status for o in changed] == ["REPLACED"]
    assert (settings.archive / data.name).read_bytes() == _lines(
        ["|".join(user_row(1)[:-1]) + "|", "|".join(user_row(3)[:-1]) + "|"]
    ).encode()
    _no_password_under(settings.home)


def test_quarantined_copies_hold_no_password(settings):
    land(settings, "USER", [user_row(i, brand="NOPE") for i in range(20)], "202609")  # rejected
    land(settings, "USER", [user_row(1)], "202608", byte_size=3)  # check file disagrees
    junk = settings.landing / "USER_571_202607_001.AVL"
    junk.write_bytes(os.urandom(5000) + f"|||{PASSWORD}\n".encode() * 3)
    write_check(settings, junk, record_count=3)
    bad_gzip = land(settings, "USER", [user_row(i) for i in range(200)], "202606", gz=True)
    bad_gzip.write_bytes(bad_gzip.read_bytes()[:-40])
    write_check(settings, bad_gzip, record_count=200)
    (settings.landing / "USER_571_2026_001.AVL").write_text(_lines(["|".join(user_row(1))]))
    (settings.landing / "user_571_202610_001.avl").write_text(_lines(["|".join(user_row(1))]))

    summary = ingest_landing(settings, progress=None)

    assert {o.status for o in summary.outcomes} == {"REJECTED"}
    assert len(summary.outcomes) == 6  # four deliveries and two names that fit no interface
    assert (settings.quarantine / "USER_571_202609_001.AVL").read_bytes() == _lines(
        ["|".join(user_row(i, brand="NOPE")[:-1]) + "|" for i in range(20)]
    ).encode()
    assert not (settings.quarantine / bad_gzip.name).exists()
    (bad,) = [o for o in summary.outcomes if o.file_name == bad_gzip.name]
    assert bad.reason.endswith(
        "; the data file was not kept: its service passwords could not be blanked"
    )
    assert (settings.quarantine / "USER_571_2026_001.AVL").read_text() == _lines(
        ["|".join(user_row(1)[:-1]) + "|"]
    )
    _no_password_under(settings.home)


def test_no_password_left_by_a_killed_run(tmp_path):
    """A run killed at several moments, then a clean one: same result, no plaintext anywhere."""
    settings = Settings(home=tmp_path / "home")
    rows = [user_row(i) for i in range(1, 30_001)]
    for month in range(1, 9):
        land(settings, "USER", rows, f"2026{month:02d}", gz=month % 2 == 0)
    archive = settings.archive
    env = {**os.environ, "JINGFEN_HOME": str(settings.home)}
    for done, extra in ((0, 0.2), (2, 0.05), (4, 0.1), (6, 0.0)):
        run = subprocess.Popen([sys.executable, "-m", "jingfen.cli", "ingest"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        while len(list(archive.glob("*.CHK"))) < done and run.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(extra)
        run.send_signal(signal.SIGKILL)
        run.wait()
    assert list(settings.landing.glob("*.CHK")), "the kills came too late to interrupt anything"
    done = subprocess.run([sys.executable, "-m", "jingfen.cli", "ingest"], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr

    assert sorted(p.name for p in settings.landing.iterdir()) == []
    assert len(list(archive.glob("USER_*.AVL*"))) == 8
    statuses = ops_rows(
        settings, "SELECT data_date, list(DISTINCT status) FROM load_log GROUP BY 1 ORDER BY 1"
    )
    assert statuses == [(f"2026{m:02d}", ["LOADED"]) for m in range(1, 9)]
    assert ops_rows(settings, "SELECT count(*) FROM pending_moves") == [(0,)]
    _no_password_under(settings.home)
    (lake_file,) = settings.lake.glob("user/**/USER_571_202601_001.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM '{lake_file}'").fetchall() == [(30_000,)]
    shutil.rmtree(settings.home)


def test_the_fast_blanking_is_the_parsers_rule_line_by_line(tmp_path):
    """Every odd line the vectorised copy meets, against parse.redact applied line by line."""
    user = INTERFACES["USER"]
    good = "|".join(user_row(1))
    lines = [
        good, good + "\r", "|".join(user_row(2)[:-1]) + "|", "|".join(user_row(2)[:-1]) + "|\r",
        "|".join(user_row(3)[:-1]) + "|\rX", good + "|extra", good + "||", good[:40], "", "\r",
        "no pipes at all", "|" * 11, "|" * 30, "a|b\r|c", PASSWORD,
    ]  # fmt: skip
    rng = random.Random(7)
    lines += ["|".join(rng.choice(["", "x", "pw", "\r", "東"]) for _ in range(rng.randint(1, 15)))
              for _ in range(2000)]  # fmt: skip
    for ending in ("", "\n"):
        source = tmp_path / f"USER{len(ending)}.AVL"
        source.write_bytes(("\n".join(lines) + ending).encode())
        blanked = blank_copy(user, source, tmp_path / "kept", "utf-8", False, tmp_path / "parse")

        expected = "\n".join(
            redact(user, line[:-1]) + "\r" if line.endswith("\r") else redact(user, line)
            for line in lines
        )
        assert (tmp_path / "kept").read_bytes() == (expected + ending).encode()
        assert blanked.line_count == len(lines)
        parsed = (tmp_path / "parse").read_bytes().decode().split("\n")[: len(lines)]
        assert [line.count("|") for line in parsed] == [line.count("|") for line in lines]
        assert PASSWORD not in "\n".join(parsed)
