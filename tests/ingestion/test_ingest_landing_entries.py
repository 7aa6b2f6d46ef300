"""What lands that is not a plain delivery file: odd names, links, folders, pipes, junk; and the
plain sentences a bad setting gives instead of a traceback."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ingestion.ingest import ingest_landing, list_ready_deliveries
from jingfen.cli import main
from tests.ingestion.deliveries import land, ops_rows, voice_row, write_check


def _log(settings) -> list[tuple]:
    return ops_rows(
        settings,
        "SELECT file_name, status, content_sha256, byte_size, reason FROM load_log ORDER BY 1",
    )


def test_fullwidth_digits_do_not_pass_for_a_file_name(settings):
    name = "USER_５７１_202601_001.AVL"
    (settings.landing / name).write_text("x\n")
    (settings.landing / "USER_５７１_202601_001.CHK").write_text("x\n")

    assert list_ready_deliveries(settings) == []
    outcomes = ingest_landing(settings, progress=None).outcomes

    assert [(o.file_name, o.status, o.iface) for o in outcomes] == [
        ("USER_５７１_202601_001.AVL", "REJECTED", None),
        ("USER_５７１_202601_001.CHK", "REJECTED", None),
    ]
    assert outcomes[0].reason == (
        f"{name} fits no interface file name: it holds non-ASCII characters where the name "
        "has ASCII letters and digits (fullwidth digits?); deliver it as "
        "USER_571_202601_001.AVL"
    )
    assert sorted(p.name for p in settings.landing.iterdir()) == []


def test_a_name_ending_in_a_newline_fits_no_interface(settings):
    (settings.landing / "VOICE_571_20261001_001.AVL\n").write_text("x\n")

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert (outcome.status, outcome.iface) == ("REJECTED", None)


def test_a_symlink_is_moved_never_followed(settings, tmp_path, monkeypatch):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    link = settings.landing / "VOICE_571_20261001_001.AVL"
    link.symlink_to(secret)
    write_check(settings, link, record_count=1, byte_size=32)
    (settings.landing / "VOICE_571_20261001_002.AVL").symlink_to(tmp_path / "nothing")
    real_open = open

    def never_the_target(path, *args, **kwargs):
        assert Path(path).resolve() != secret, "the link's target was read"
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", never_the_target)
    outcomes = ingest_landing(settings, progress=None).outcomes
    monkeypatch.undo()

    reason = (
        "{} is a symbolic link: landing takes regular files only and never follows a link; "
        "the link itself was moved to quarantine, deliver the file itself"
    )
    assert [(o.status, o.reason) for o in outcomes] == [
        ("REJECTED", reason.format("VOICE_571_20261001_001.AVL")),
        ("REJECTED", reason.format("VOICE_571_20261001_002.AVL")),
        ("REJECTED", "data file VOICE_571_20261001_001.AVL named in VOICE_571_20261001_001.CHK "
                     "has not landed"),
    ]  # fmt: skip
    quarantined = settings.quarantine / "VOICE_571_20261001_001.AVL"
    assert quarantined.is_symlink() and os.readlink(quarantined) == str(secret)
    assert (settings.quarantine / "VOICE_571_20261001_002.AVL").is_symlink()
    assert secret.read_text() == "root:x:0:0:root:/root:/bin/bash\n"
    assert [row[2:4] for row in _log(settings)[:2]] == [(None, None), (None, None)]
    assert sorted(p.name for p in settings.landing.iterdir()) == []


def test_a_folder_named_like_a_data_file_is_recorded_once_and_moved(settings):
    folder = settings.landing / "VOICE_571_20261001_001.AVL"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")
    (settings.landing / "lost+found").mkdir()  # other folders are not deliveries: left alone

    first = ingest_landing(settings, progress=None).outcomes
    second = ingest_landing(settings, progress=None).outcomes

    assert [(o.file_name, o.status, o.reason) for o in first] == [
        (
            "VOICE_571_20261001_001.AVL", "REJECTED",
            "VOICE_571_20261001_001.AVL is a folder, not a file: deliveries are files laid flat "
            "in landing; it was moved to quarantine",
        )
    ]  # fmt: skip
    assert second == []
    assert (settings.quarantine / "VOICE_571_20261001_001.AVL" / "inside.txt").read_text() == "x"
    assert [p.name for p in settings.landing.iterdir()] == ["lost+found"]
    assert len(_log(settings)) == 1


def test_a_named_pipe_is_refused_without_opening_it(settings):
    fifo = settings.landing / "VOICE_571_20261001_001.AVL"
    os.mkfifo(fifo)
    write_check(settings, fifo, record_count=1, byte_size=0)
    result = {}
    worker = threading.Thread(
        target=lambda: result.update(out=ingest_landing(settings, progress=None)), daemon=True
    )
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "ingest blocked on the pipe"

    assert [(o.status, o.reason) for o in result["out"].outcomes] == [
        ("REJECTED", "VOICE_571_20261001_001.AVL is not a regular file (a named pipe, socket or "
                     "device): landing takes regular files only; it was moved to quarantine"),
        ("REJECTED", "data file VOICE_571_20261001_001.AVL named in VOICE_571_20261001_001.CHK "
                     "has not landed"),
    ]  # fmt: skip
    assert (settings.quarantine / "VOICE_571_20261001_001.AVL").is_fifo()


def test_a_junk_file_gets_one_plain_sentence(settings):
    junk = settings.landing / "VOICE_571_20261001_001.AVL"
    junk.write_bytes(bytes(range(256)) * 4000 + b"\r" * 5000)
    write_check(settings, junk, record_count=1)
    long_line = land(settings, "VOICE", ["a" * 3_000_000], seq=2)

    outcomes = ingest_landing(settings, progress=None).outcomes

    assert [o.reason for o in outcomes] == [
        "VOICE_571_20261001_001.AVL is not |-separated text that DuckDB's CSV reader can split "
        "into lines and fields (binary or corrupted content?): check what was delivered under "
        "this name and ask for it again",
        "more than 5% of the records rejected: 1 of 1 (100.0%); first: line 1: line longer than "
        "2000000 bytes (binary content or missing line breaks?)",
    ]
    assert long_line.name == "VOICE_571_20261001_002.AVL"
    assert (settings.quarantine / "VOICE_571_20261001_001.reason.txt").read_text().count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("JINGFEN_MEMORY_LIMIT", "lots",
         "JINGFEN_MEMORY_LIMIT is 'lots': give a size such as 4GB or 512MB (a number and KB, "
         "MB, GB or TB)"),
        ("JINGFEN_MEMORY_LIMIT", "-1GB",
         "JINGFEN_MEMORY_LIMIT is '-1GB': give a size such as 4GB or 512MB (a number and KB, "
         "MB, GB or TB)"),
        ("JINGFEN_THREADS", "two",
         "JINGFEN_THREADS is 'two': give a whole number of threads from 1 to 256, such as 2"),
        ("JINGFEN_THREADS", "0",
         "JINGFEN_THREADS is '0': give a whole number of threads from 1 to 256, such as 2"),
        ("JINGFEN_REJECT_THRESHOLD", "5",
         "JINGFEN_REJECT_THRESHOLD is '5': give the share of a delivery's records that may be "
         "rejected, from 0 to 1, such as 0.05 for 5%"),
        ("JINGFEN_REJECT_THRESHOLD", "nan",
         "JINGFEN_REJECT_THRESHOLD is 'nan': give the share of a delivery's records that may be "
         "rejected, from 0 to 1, such as 0.05 for 5%"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_sentence_and_exit_2(
    settings, monkeypatch, capsys, variable, value, sentence
):
    monkeypatch.setenv(variable, value)

    assert main(["ingest"]) == 2

    assert capsys.readouterr().err == f"jingfen ingest: {sentence}\n"


def test_good_settings_are_read(monkeypatch):
    from core.settings import Settings

    settings = Settings.from_env(
        {"JINGFEN_HOME": "/tmp/x", "JINGFEN_MEMORY_LIMIT": " 512mb ", "JINGFEN_THREADS": "3",
         "JINGFEN_REJECT_THRESHOLD": "0.1"}
    )  # fmt: skip
    assert (settings.memory_limit, settings.threads, settings.reject_threshold) == (
        "512MB",
        3,
        0.1,
    )


def test_a_home_that_is_a_file_is_one_sentence(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("JINGFEN_HOME", str(home))

    assert main(["ingest"]) == 1

    assert capsys.readouterr().err == (
        f"jingfen ingest: the landing folder {home / 'landing'} does not exist: create it and "
        "put the deliveries there, or set JINGFEN_HOME to the right home\n"
    )


@pytest.mark.parametrize("record_count", ["²", "１", "99999999999999999999999"])
def test_check_file_counts_are_ascii_digits_within_range(settings, record_count):
    data = land(settings, "VOICE", [voice_row(1)])
    size = data.stat().st_size
    (settings.landing / "VOICE_571_20261001_001.CHK").write_text(
        f"{data.name}|{size}|{record_count}|20261001|20261002010000|\n"
    )

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert (outcome.status, outcome.reason) == (
        "REJECTED",
        f"check file VOICE_571_20261001_001.CHK: byte_size '{size}' and "
        f"record_count '{record_count}' must be whole numbers in ASCII digits (below 2^62)",
    )


def test_landing_that_is_a_file_is_one_sentence(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "landing").write_text("oops")
    monkeypatch.setenv("JINGFEN_HOME", str(home))

    assert main(["ingest"]) == 1

    assert capsys.readouterr().err == (
        f"jingfen ingest: the landing folder {home / 'landing'} is a file, not a folder: move "
        "it away and create the folder, or set JINGFEN_HOME to the right home\n"
    )


def test_an_empty_home_variable_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("JINGFEN_HOME", "")

    assert main(["ingest"]) == 2

    assert capsys.readouterr().err == (
        "jingfen ingest: JINGFEN_HOME is '': give the home folder's path, or unset it for "
        "./jingfen-home\n"
    )


def test_a_load_log_that_is_not_duckdb_is_one_sentence(settings, capsys):
    land(settings, "VOICE", [voice_row(1)])
    settings.ops_db.write_text("garbage")

    assert main(["ingest"]) == 1

    assert capsys.readouterr().err == (
        f"jingfen ingest: cannot open the load log {settings.ops_db} (The file "
        f'"{settings.ops_db}" exists, but it is not a valid DuckDB database file!): move it '
        "away (a new one is created) or restore it from a backup, and run jingfen ingest again\n"
    )


def test_a_move_that_failed_after_its_commit_is_finished_by_the_next_run(settings, capsys):
    land(settings, "VOICE", [voice_row(1)])
    archive = settings.home / "archive"
    archive.write_text("a file where the archive folder belongs")

    assert main(["ingest"]) == 1
    assert capsys.readouterr().err == (
        f"jingfen ingest: VOICE_571_20261001_001.AVL: cannot read or write {archive} (File "
        "exists): fix that, then ingest again; the delivery stays in landing for the next run\n"
    )
    archive.unlink()
    assert main(["ingest"]) == 0

    assert ops_rows(settings, "SELECT status FROM load_log") == [("LOADED",)]
    assert sorted(p.name for p in archive.iterdir()) == [
        "VOICE_571_20261001_001.AVL",
        "VOICE_571_20261001_001.CHK",
    ]
    assert list(settings.landing.iterdir()) == []
