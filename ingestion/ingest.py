"""Ingestion of the landing folder into the Parquet lake (interfaces.md §4), for CLI and Dagster.

Per delivery: verify the check file, hash the data file (same content as the version in the lake:
SKIPPED), parse and validate it in DuckDB, write its lake file atomically, then commit its outcome
together with the moves of its landed files (to ``archive`` when loaded or skipped, to
``quarantine`` when rejected), and carry the moves out. A delivery that holds credentials goes
there as its blanked copy. A failure that is not the delivery's fault (memory, disk, permission,
interruption) is logged FAILED and leaves it in landing. See ingestion/README.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from core.errors import JingfenError, is_interruption
from core.settings import Settings
from ingestion import blanking, failures, lake, ops_store, parallel, parse
from ingestion.deliveries import (
    CheckFile,
    Delivery,
    DeliveryRejected,
    SizeMismatch,
    Unrecognised,
    read_check_file,
    scan_landing,
)
from ingestion.lock import ingest_lock
from ingestion.text import Text, hash_and_count, needs_rewrite, rewrite_as_utf8, sha256_of

Progress = Callable[[str], object]

LOADED, SKIPPED, REPLACED, REJECTED = "LOADED", "SKIPPED", "REPLACED", "REJECTED"
FAILED = "FAILED"  # not the delivery's fault; it stays in landing
_REASON_SAMPLE = 20  # record-level reasons copied into a quarantined delivery's reason file
_HASH_IN_THREAD_BYTES = 8 << 20  # smaller files are hashed before parsing: a thread costs more


@dataclass(frozen=True)
class DeliveryOutcome:
    file_name: str
    iface: str | None
    province: str | None
    data_date: str | None
    seq: str | None
    status: str
    record_count: int | None
    loaded_count: int
    rejected_count: int
    reason: str | None
    lake_path: Path | None
    duration_ms: int
    retry: bool = False  # FAILED: might trying again in a moment help (an I/O error)

    def describe(self) -> str:
        if self.status in (REJECTED, SKIPPED, FAILED):
            return f"{self.file_name}: {self.status} ({self.reason})"
        rejected = f", {self.rejected_count} rejected" if self.rejected_count else ""
        return (
            f"{self.file_name}: {self.status} {self.loaded_count} of {self.record_count} "
            f"records{rejected} in {self.duration_ms} ms"
        )


@dataclass
class IngestSummary:
    outcomes: list[DeliveryOutcome] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # data files whose check file has not landed

    def by_status(self, status: str) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.status == status]

    def describe(self) -> str:
        counts = Counter(o.status for o in self.outcomes)
        failed = f", {counts[FAILED]} failed" if counts[FAILED] else ""
        lines = [
            f"{len(self.outcomes)} deliveries: {counts[LOADED]} loaded, {counts[REPLACED]} "
            f"replaced, {counts[SKIPPED]} skipped, {counts[REJECTED]} rejected{failed}; "
            f"{sum(o.loaded_count for o in self.outcomes)} records loaded, "
            f"{sum(o.rejected_count for o in self.outcomes if o.status != REJECTED)} "
            "records rejected"
        ]
        lines += [f"  rejected: {o.file_name}: {o.reason}" for o in self.by_status(REJECTED)]
        lines += [f"  failed: {o.file_name}: {o.reason}" for o in self.by_status(FAILED)]
        if self.waiting:
            lines.append(
                f"{len(self.waiting)} data files wait for their check file: "
                + ", ".join(self.waiting)
            )
        return "\n".join(lines)

    def failure(self) -> str | None:
        """What the command line says when a delivery FAILED (it then exits non-zero)."""
        failed = self.by_status(FAILED)
        if not failed:
            return None
        return f"{describe_failures(failed)}: fix the cause and run jingfen ingest again"


def describe_failures(failed: list[DeliveryOutcome], of: str = "") -> str:
    """``2 deliveries{of} failed for a reason that is not their content (first: its cause)``."""
    first = failed[0]
    many = len(failed) > 1
    return (
        f"{len(failed)} {'deliveries' if many else 'delivery'}{of} failed for a reason that is "
        f"not {'their' if many else 'its'} content ({first.file_name}: {first.reason})"
    )


def list_ready_deliveries(settings: Settings) -> list[Delivery]:
    """Deliveries whose check file has landed, in processing order."""
    return scan_landing(_landing(settings)).ready


def ingest_delivery(
    settings: Settings, delivery: Delivery, progress: Progress | None = None
) -> DeliveryOutcome:
    """Ingest one ready delivery under the ingest lock (prefer ingest_deliveries for many)."""
    with IngestSession(settings, progress) as session:
        return session.ingest(delivery)


def ingest_deliveries(
    settings: Settings, deliveries: Iterable[Delivery], progress: Progress | None = None
) -> list[DeliveryOutcome]:
    """Ingest ready deliveries under one lock and one session (what Dagster calls).

    The same outcomes as ``ingest_delivery`` one by one, without paying for the lock, ops.duckdb
    and a DuckDB connection per delivery, JINGFEN_INGEST_WORKERS at a time (IngestSession.
    ingest_all). ``progress`` also gets each outcome, in the deliveries' order.
    """
    with IngestSession(settings, progress) as session:
        return session.ingest_all(
            list(deliveries), each=progress and (lambda outcome: progress(outcome.describe()))
        )


def quarantine_unrecognised(
    settings: Settings, progress: Progress | None = None
) -> list[DeliveryOutcome]:
    """Move files whose name fits no interface to quarantine (ingest_landing does this too)."""
    with IngestSession(settings, progress) as session:
        return [
            session.quarantine(unknown) for unknown in scan_landing(_landing(settings)).unrecognised
        ]


def ingest_landing(settings: Settings, progress: Progress | None = print) -> IngestSummary:
    """Ingest every ready delivery of the landing folder; quarantine files that fit no interface."""
    say = progress or (lambda _message: None)
    landing = _landing(settings)
    with IngestSession(settings, say) as session:
        found = scan_landing(landing)
        summary = IngestSummary(waiting=[p.name for p in found.waiting])
        for unknown in found.unrecognised:
            outcome = session.quarantine(unknown)
            summary.outcomes.append(outcome)
            say(outcome.describe())

        def each(outcome: DeliveryOutcome) -> None:
            summary.outcomes.append(outcome)
            say(outcome.describe())

        session.ingest_all(found.ready, check_landed=False, each=each)
    for name in summary.waiting:
        say(f"{name}: waiting for its check file")
    return summary


def _landing(settings: Settings) -> Path:
    if settings.landing.exists() and not settings.landing.is_dir():
        raise JingfenError(
            f"the landing folder {settings.landing} is a file, not a folder: move it away and "
            "create the folder, or set JINGFEN_HOME to the right home"
        )
    if not settings.landing.is_dir():
        raise JingfenError(
            f"the landing folder {settings.landing} does not exist: create it and put the "
            "deliveries there, or set JINGFEN_HOME to the right home"
        )
    return settings.landing


Versions = dict[tuple[str, str, str, str], str]


class IngestSession:
    """One ingest run: the ingest lock, ops.duckdb and a DuckDB for parsing, held across deliveries.

    Each delivery is still its own unit (its lake file published, then one ops transaction with
    its outcome and the moves of its landed files, then the moves), so a run killed at any moment
    recovers exactly as before. What is shared is what used to dominate a small delivery: opening
    (and checkpointing) ops.duckdb, a fresh DuckDB connection, and a directory fsync per move
    (the folders moved into are synced once, before the journal of moves is cleared).

        with IngestSession(settings, progress) as session:
            for delivery in list_ready_deliveries(settings):
                session.ingest(delivery)

    ``ingest_all`` loads several deliveries at once, on worker threads: each has its own parse
    connection and counts its own commits; outcomes are committed one at a time.
    """

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self.settings = settings
        self._progress = progress
        self._stack: contextlib.ExitStack | None = None
        self.ops = ops_store.OpsStore(settings)
        self._versions: Versions | None = None
        self._moved_into: set[Path] = set()
        self._workers = 1
        self._mine = threading.local()  # the calling thread's parse connection and commits
        self._parsers: list[duckdb.DuckDBPyConnection] = []  # every thread's, to close
        self._parsers_lock = threading.Lock()
        self._record_lock = threading.Lock()  # one writer of ops.duckdb and the journal

    def __enter__(self) -> IngestSession:
        with contextlib.ExitStack() as stack:
            stack.enter_context(_sigterm_interrupts())
            stack.enter_context(ingest_lock(self.settings, self._progress))
            stack.callback(self.ops.close)
            stack.callback(self._close_parser)
            with _run_level_errors(self.settings, "the moves a killed run left"):
                self._recover()
            stack.push(self._finish)
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        assert self._stack is not None
        stack, self._stack = self._stack, None
        stack.__exit__(*exc_info)  # not close(): _finish must see how the run ended

    # -- the public units -------------------------------------------------------------------

    def ingest(self, delivery: Delivery, check_landed: bool = True) -> DeliveryOutcome:
        """Ingest one ready delivery (``check_landed``: fail if its check file has gone)."""
        assert self._stack is not None, "use IngestSession as a context manager"
        if check_landed and not delivery.check_path.exists():
            raise JingfenError(
                f"{delivery.check_path.name} is no longer in landing (another run took this "
                "delivery meanwhile?): list the ready deliveries again"
            )
        return _ingest(self, delivery)

    def ingest_all(
        self,
        deliveries: Sequence[Delivery],
        check_landed: bool = True,
        each: Callable[[DeliveryOutcome], object] | None = None,
    ) -> list[DeliveryOutcome]:
        """Ingest deliveries, up to JINGFEN_INGEST_WORKERS at once; outcomes in their order.

        Split files of one interface, province and data date are checked against each other
        (which of two holds a duplicate depends on the order) and a re-delivery is judged
        against the version before it: each such group loads in order on one worker. An
        interruption stops the loads in progress at their next DuckDB step (logged FAILED)."""
        self.versions  # noqa: B018 -- read once, before the workers share it
        groups = {_group_of(delivery) for delivery in deliveries}
        self._workers = max(1, min(self.settings.ingest_workers, len(groups)))
        try:
            return parallel.run_grouped(
                deliveries,
                _group_of,
                lambda delivery: self.ingest(delivery, check_landed),
                self._workers,
                each,
                on_stop=self._interrupt_parsers,
            )
        finally:
            self._workers = 1

    def quarantine(self, unknown: Unrecognised) -> DeliveryOutcome:
        """Quarantine a landed file whose name fits no interface (or a link, folder, pipe)."""
        assert self._stack is not None, "use IngestSession as a context manager"
        timer = _Timer()
        who = _Identity(
            unknown.path.name, unknown.iface, unknown.province, unknown.data_date, unknown.seq
        )
        return _failing_safely(
            self, who, lambda: _quarantine_unrecognised_file(self, unknown, timer), timer
        )

    # -- shared resources -------------------------------------------------------------------

    @property
    def versions(self) -> Versions:
        if self._versions is None:
            self._versions = self.ops.current_versions()
        return self._versions

    @property
    def commits(self) -> int:
        """Outcomes this thread committed: tells an interruption before a commit from after."""
        return getattr(self._mine, "commits", 0)

    def parser(self) -> duckdb.DuckDBPyConnection:
        """This thread's in-memory DuckDB, emptied of its previous delivery's tables."""
        con: duckdb.DuckDBPyConnection | None = getattr(self._mine, "con", None)
        if con is None:
            spill = self.settings.ingest_work / f"spill-{threading.get_ident()}"
            con = self._mine.con = parse.connect(self.settings, spill, self._workers)
            with self._parsers_lock:
                self._parsers.append(con)
        else:
            parse.reset(con)
        return con

    def drop_parser(self) -> None:
        """Forget this thread's parse connection (after a failure it may be in any state)."""
        con = getattr(self._mine, "con", None)
        if con is not None:
            self._mine.con = None
            with self._parsers_lock:
                self._parsers.remove(con)
            con.close()

    def _interrupt_parsers(self) -> None:
        with self._parsers_lock:
            for con in self._parsers:
                con.interrupt()

    def _close_parser(self) -> None:
        with self._parsers_lock:
            parsers, self._parsers = self._parsers, []
        for con in parsers:
            con.close()
        self._mine = threading.local()

    def record(
        self,
        entry: ops_store.LogEntry,
        moves: list[ops_store.Move],
        rejects: list[parse.RejectedRecord] | None = None,
        replaces_names: tuple[str, ...] = (),
    ) -> None:
        """Commit the outcome with its moves, then carry the moves out.

        SIGINT and SIGTERM wait until both are done: an interruption then comes after a
        committed outcome (``commits`` tells), never between the commit and its moves."""
        with _signals_deferred(), self._record_lock:
            self.ops.record(entry, moves, rejects, replaces_names)
            self._mine.commits = self.commits + 1
            self._carry_out(moves)

    def _carry_out(self, moves: list[ops_store.Move]) -> None:
        """Move landed files as committed in pending_moves; the journal is cleared once per run,
        after the folders moved into have been synced. Each step can be done again after a
        kill: a blanked copy is put in place before its plaintext original is deleted."""
        for move in moves:
            if move.via is not None and os.path.lexists(move.via):
                assert move.target is not None
                lake.move(move.via, move.target)
                self._moved_into.update((move.via.parent, move.target.parent))
            if not os.path.lexists(move.source):  # lexists: a dangling link is still there
                continue
            if move.via is not None or move.target is None:
                move.source.unlink()
            else:
                lake.move(move.source, move.target)
                self._moved_into.add(move.target.parent)
            self._moved_into.add(move.source.parent)

    def _recover(self) -> None:
        """Finish what a killed run committed but did not complete; then drop its temporary
        files (the work folder holds the blanked copies the journal may still move)."""
        moves = self.ops.pending_moves()
        self._carry_out(moves)
        if moves:
            self._sync_moves()
            self.ops.clear_moves()
        lake.remove_leftovers(self.settings.lake)
        shutil.rmtree(self.settings.ingest_work, ignore_errors=True)

    def _finish(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        """Clear the journal of moves carried out (one short transaction per run, not per file).

        A run stopped by an error keeps it: a move may have failed after its commit, and the
        next run carries the journal out again (done moves are skipped)."""
        self._sync_moves()
        if exc_type is None:
            self.ops.clear_moves()

    def _sync_moves(self) -> None:
        for folder in sorted(self._moved_into):
            lake.fsync_dir(folder)
        self._moved_into.clear()


def _group_of(delivery: Delivery) -> tuple[str, str, str]:
    """What orders deliveries: the lake folder their duplicates are checked in."""
    return (delivery.iface, delivery.province, delivery.data_date)


class _Timer:
    def __init__(self) -> None:
        self.started_at = dt.datetime.now()
        self._start = time.monotonic()

    def stop(self) -> tuple[dt.datetime, dt.datetime, int]:
        return self.started_at, dt.datetime.now(), int((time.monotonic() - self._start) * 1000)


@dataclass
class _Identity:
    """What a FAILED row says about the entry that failed (``check`` once it has been read)."""

    file_name: str
    iface: str | None
    province: str | None
    data_date: str | None
    seq: str | None
    check_file_name: str | None = None
    check: CheckFile | None = None

    @classmethod
    def of(cls, delivery: Delivery, check: CheckFile | None = None) -> _Identity:
        return cls(
            delivery.file_name,
            delivery.iface,
            delivery.province,
            delivery.data_date,
            delivery.seq,
            delivery.check_path.name,
            check,
        )


def _log_entry(
    who: _Identity,
    status: str,
    timer: _Timer,
    *,
    record_count: int | None = None,
    loaded_count: int = 0,
    rejected_count: int = 0,
    reason: str | None = None,
    sha256: str | None = None,
    lake_path: str | None = None,
    byte_size: int | None = None,
) -> ops_store.LogEntry:
    """The load-log row of an outcome, its time taken now: the size and encoding come from the
    check file when it was read (``byte_size`` is what an entry without one measured)."""
    check = who.check
    started_at, processed_at, duration_ms = timer.stop()
    return ops_store.LogEntry(
        file_name=who.file_name,
        iface=who.iface,
        province_code=who.province,
        data_date=who.data_date,
        seq=who.seq,
        status=status,
        record_count=record_count,
        loaded_count=loaded_count,
        rejected_count=rejected_count,
        reason=reason,
        content_sha256=sha256,
        lake_path=lake_path,
        started_at=started_at,
        processed_at=processed_at,
        duration_ms=duration_ms,
        check_file_name=who.check_file_name,
        byte_size=check.byte_size if check else byte_size,
        encoding=(check.encoding or "UTF-8") if check else None,
    )


def _ingest(session: IngestSession, delivery: Delivery) -> DeliveryOutcome:
    timer = _Timer()
    who = _Identity.of(delivery)

    def attempt() -> DeliveryOutcome:
        try:
            who.check = read_check_file(delivery)
            return _load(session, delivery, who.check, timer)
        except DeliveryRejected as rejected:
            sample = rejected.rejects if isinstance(rejected, _ThresholdExceeded) else []
            check = rejected.check if isinstance(rejected, SizeMismatch) else who.check
            return _reject(session, delivery, check, str(rejected), sample, timer)

    return _failing_safely(session, who, attempt, timer)


def _failing_safely(
    session: IngestSession, who: _Identity, attempt: Callable[[], DeliveryOutcome], timer: _Timer
) -> DeliveryOutcome:
    """Run ``attempt``; a resource failure before its outcome is committed is logged FAILED
    (an interruption is then raised again), and the entry stays where it is."""
    commits = session.commits
    try:
        return attempt()
    except BaseException as err:
        failure = failures.classify(err, session.settings, who.file_name)
        if failure is None:
            raise
        session.drop_parser()
        # a KeyboardInterrupt that DuckDB turned into an error goes on as the interruption it is
        stopped = isinstance(err, Exception) and is_interruption(err)
        if session.commits != commits:  # committed; its moves are in the journal
            if stopped:
                raise KeyboardInterrupt from err
            if isinstance(err, Exception):
                raise JingfenError(f"{who.file_name}: {failure.cause}") from err
            raise
        outcome = _fail(session, who, failure, timer)
        if stopped:
            raise KeyboardInterrupt from err
        if isinstance(err, Exception):
            return outcome
        raise


@contextlib.contextmanager
def _run_level_errors(settings: Settings, what: str) -> Iterator[None]:
    """A resource failure outside any one delivery: one sentence, and the run stops."""
    try:
        yield
    except Exception as err:
        failure = failures.classify(err, settings, what)
        if failure is None:
            raise
        if is_interruption(err):
            raise KeyboardInterrupt from err
        raise JingfenError(f"{what}: {failure.cause}") from err


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM would kill the process outright; during a session it interrupts it instead, like
    Ctrl-C, so that the delivery in progress is logged FAILED. Left alone when someone else
    handles SIGTERM (Dagster does) or off the main thread."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def interrupt(_signo: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (they are delivered at the end), on the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _load(
    session: IngestSession, delivery: Delivery, check: CheckFile, timer: _Timer
) -> DeliveryOutcome:
    assert delivery.data_path is not None
    settings, versions = session.settings, session.versions
    key = (delivery.iface, delivery.province, delivery.data_date, delivery.seq)
    current = versions.get(key)
    text: Text | None = None
    hashing: dict[str, object] = {}
    hasher: threading.Thread | None = None
    blanked: blanking.Blanked | None = None
    commits = session.commits
    if blanking.has_secrets(delivery.interface):
        # Parsed from its blanked copy: DuckDB, its spill files and its messages never see a
        # password; the copy is what archive or quarantine keeps.
        parse_copy = settings.ingest_work / f"{delivery.stem}.utf8.txt"
        blanked = _blank(settings, delivery, check, parse_copy)
        text = Text(parse_copy, blanked.sha256, blanked.line_count, temporary=True)
        sha256 = text.sha256
    elif needs_rewrite(delivery, check):
        text = rewrite_as_utf8(delivery, check, settings.ingest_work)
        sha256 = text.sha256
    elif current is not None or check.byte_size < _HASH_IN_THREAD_BYTES:
        sha256, line_count = hash_and_count(delivery.data_path)
        text = Text(delivery.data_path, sha256, line_count, temporary=False)
    else:
        # A name never loaded cannot be a duplicate: hash while DuckDB parses.
        def run() -> None:
            try:
                hashing["result"] = hash_and_count(delivery.data_path)
            except BaseException as err:  # re-raised in the calling thread
                hashing["error"] = err

        hasher = threading.Thread(target=run, daemon=True)
        hasher.start()
        sha256 = None
    final = lake.lake_path(settings.lake, delivery)
    try:
        # Same content as the loaded version: nothing to do, unless its lake file has been lost.
        if text is not None and text.sha256 == current and final.exists():
            return _skip(session, delivery, check, text.sha256, blanked, timer)
        source = text.path if text is not None else delivery.data_path
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_parquet = lake.temporary_path(final)
        siblings = lake.siblings(settings.lake, delivery)
        lineage = parse.Lineage(
            delivery.province, delivery.data_date, delivery.file_name, timer.started_at
        )
        con = session.parser()
        try:
            try:
                parts = parse.parts_for(source.stat().st_size, settings.threads)
                written = parse.write_if_clean(
                    con,
                    delivery.interface,
                    source,
                    check.record_count,
                    tmp_parquet,
                    lineage,
                    parts,
                )
            finally:
                if hasher is not None:
                    hasher.join()
            if hasher is not None:
                if "error" in hashing:
                    raise hashing["error"]  # type: ignore[misc]
                sha256, line_count = hashing["result"]  # type: ignore[misc]
                text = Text(delivery.data_path, sha256, line_count, temporary=False)
            assert text is not None
            clean = (
                written == check.record_count == text.line_count
                and not parse.reader_rejected(con)
                and not parse.has_repeated_keys(con, delivery.interface, tmp_parquet, siblings)
                # the reader takes surplus empty fields (a|b|c||) for a record of the right length
                and parse.pipe_count(source) == (len(delivery.interface.fields) - 1) * written
            )
            if clean:
                parsed = parse.Parsed(written, [])
            else:
                parse.reset(con)  # the one pass's rejects tables
                parsed = _stage(
                    settings, delivery, check, text, con, siblings, tmp_parquet, lineage
                )
            lake.publish(tmp_parquet, final)
        except duckdb.Error as err:
            if failures.is_resource(err):
                raise
            raise DeliveryRejected(parse.unparsable(delivery.file_name, err)) from err
        finally:
            tmp_parquet.unlink(missing_ok=True)
        entry = _log_entry(
            _Identity.of(delivery, check),
            REPLACED if current not in (None, sha256) else LOADED,
            timer,
            record_count=parsed.record_count,
            loaded_count=parsed.loaded_count,
            rejected_count=len(parsed.rejects),
            sha256=sha256,
            lake_path=str(final.relative_to(settings.lake)),
        )
        moves = _moves(delivery, settings.archive, blanked)
        session.record(
            entry,
            moves,
            parsed.rejects,
            replaces_names=(f"{delivery.stem}.AVL", f"{delivery.stem}.AVL.gz"),
        )
        versions[key] = sha256
        return _outcome(entry, final)
    finally:
        if text is not None and text.temporary:
            text.path.unlink(missing_ok=True)
        if blanked is not None and session.commits == commits:  # else the journal moves it
            blanked.path.unlink(missing_ok=True)


def _blank(
    settings: Settings, delivery: Delivery, check: CheckFile | None, parse_copy: Path | None = None
) -> blanking.Blanked:
    """The delivery's data file with its credentials blanked, in the work folder (and the text
    to parse, without them, at ``parse_copy``)."""
    assert delivery.data_path is not None
    return blanking.blank_copy(
        delivery.interface,
        delivery.data_path,
        settings.ingest_work / f"{delivery.data_path.name}.blanked",
        check.codec if check else "utf-8",
        delivery.compressed,
        parse_copy,
    )


def _stage(
    settings: Settings,
    delivery: Delivery,
    check: CheckFile,
    text: Text,
    con: duckdb.DuckDBPyConnection,
    siblings: list[Path],
    out: Path,
    lineage: parse.Lineage,
) -> parse.Parsed:
    """The careful path, for a delivery with any defect: explain every rejected record."""
    staging = parse.Staging(con, delivery.interface, text.path, lineage)
    if staging.record_count != check.record_count:
        raise DeliveryRejected(
            "record count in the check file differs from the data file: "
            f"{delivery.file_name} holds {staging.record_count} records, its check file says "
            f"{check.record_count}"
        )
    staging.collect_rejects(text.line_count, check.encoding or "UTF-8")
    staging.reject_duplicates(siblings)
    parsed = staging.parsed()
    _apply_threshold(settings, parsed)
    staging.write_parquet(out, lineage)
    return parsed


def _apply_threshold(settings: Settings, parsed: parse.Parsed) -> None:
    if not parsed.record_count:
        return
    share = len(parsed.rejects) / parsed.record_count
    if share > settings.reject_threshold:
        sample = "; ".join(f"line {r.line_no}: {r.reason}" for r in parsed.rejects[:3])
        raise _ThresholdExceeded(
            f"more than {settings.reject_threshold * 100:g}% of the records rejected: "
            f"{len(parsed.rejects)} of {parsed.record_count} ({share:.1%}); first: {sample}",
            parsed.rejects,
        )


class _ThresholdExceeded(DeliveryRejected):
    def __init__(self, reason: str, rejects: list[parse.RejectedRecord]) -> None:
        super().__init__(reason)
        self.rejects = rejects


def _moves(
    delivery: Delivery, folder: Path, blanked: blanking.Blanked | None = None, kept: bool = True
) -> list[ops_store.Move]:
    """The journal's moves of a delivery's files into ``folder``: its data file as its blanked
    copy when there is one; not ``kept``: a data file that could not be blanked is deleted."""
    moves = []
    for path in delivery.paths:
        if path != delivery.data_path or (blanked is None and kept):
            moves.append(ops_store.Move(path, folder / path.name))
        elif blanked is not None:
            moves.append(ops_store.Move(path, folder / path.name, via=blanked.path))
        else:
            moves.append(ops_store.Move(path, None))
    return moves


def _skip(
    session: IngestSession,
    delivery: Delivery,
    check: CheckFile,
    sha256: str,
    blanked: blanking.Blanked | None,
    timer: _Timer,
) -> DeliveryOutcome:
    settings = session.settings
    final = lake.lake_path(settings.lake, delivery)
    entry = _log_entry(
        _Identity.of(delivery, check),
        SKIPPED,
        timer,
        record_count=check.record_count,
        reason="identical to the version already loaded",
        sha256=sha256,
        lake_path=str(final.relative_to(settings.lake)),
    )
    session.record(entry, _moves(delivery, settings.archive, blanked))
    return _outcome(entry, final)


_NOT_KEPT = "; the data file was not kept: its service passwords could not be blanked"


def _reject(
    session: IngestSession,
    delivery: Delivery,
    check: CheckFile | None,
    reason: str,
    sample: list[parse.RejectedRecord],
    timer: _Timer,
) -> DeliveryOutcome:
    settings = session.settings
    sha256: str | None = None
    blanked: blanking.Blanked | None = None
    kept = True
    if delivery.data_path is not None:
        if blanking.has_secrets(delivery.interface):
            try:
                blanked = _blank(settings, delivery, check)
                sha256 = blanked.sha256
            except DeliveryRejected:  # not a readable gzip: no way to find its passwords
                sha256, kept = sha256_of(delivery.data_path), False
                reason += _NOT_KEPT
        else:
            sha256 = sha256_of(delivery.data_path)
    record_count = check.record_count if check else None
    commits = session.commits
    try:
        _write_reason_file(settings, delivery.stem, reason, sample)
        entry = _log_entry(
            _Identity.of(delivery, check),
            REJECTED,
            timer,
            record_count=record_count,
            rejected_count=record_count or 0,
            reason=reason,
            sha256=sha256,
        )
        session.record(entry, _moves(delivery, settings.quarantine, blanked, kept))
    finally:
        if blanked is not None and session.commits == commits:
            blanked.path.unlink(missing_ok=True)
    return _outcome(entry, None)


def _quarantine_unrecognised_file(
    session: IngestSession, unknown: Unrecognised, timer: _Timer
) -> DeliveryOutcome:
    settings = session.settings
    name = unknown.path.name
    target = settings.quarantine / name
    move = ops_store.Move(unknown.path, target)
    sha256 = byte_size = None
    reason = unknown.reason
    iface = blanking.interface_by_name(name) if unknown.regular else None
    if unknown.regular:  # a link, folder or pipe is moved unread
        byte_size = unknown.path.stat().st_size
        if iface is None:
            sha256 = sha256_of(unknown.path)
        else:
            try:
                blanked = blanking.blank_copy(
                    iface,
                    unknown.path,
                    settings.ingest_work / f"{name}.blanked",
                    "utf-8",
                    name.lower().endswith(".gz"),
                )
                sha256, move = blanked.sha256, ops_store.Move(unknown.path, target, blanked.path)
            except DeliveryRejected:
                sha256, move = sha256_of(unknown.path), ops_store.Move(unknown.path, None)
                reason += _NOT_KEPT
    _write_reason_file(settings, name, reason, [])
    who = _Identity(name, unknown.iface, unknown.province, unknown.data_date, unknown.seq)
    entry = _log_entry(who, REJECTED, timer, reason=reason, sha256=sha256, byte_size=byte_size)
    session.record(entry, [move])
    return _outcome(entry, None)


def _fail(
    session: IngestSession, who: _Identity, failure: failures.ResourceFailure, timer: _Timer
) -> DeliveryOutcome:
    """Log a delivery that could not be processed; it stays in landing (no moves)."""
    entry = _log_entry(
        who,
        FAILED,
        timer,
        record_count=who.check.record_count if who.check else None,
        reason=failure.cause,
    )
    try:
        session.record(entry, [])
    except Exception as err:
        raise JingfenError(
            f"{who.file_name}: {failure.cause}; not even that could be written to the load log "
            f"({str(err).splitlines()[0]})"
        ) from err
    return replace(_outcome(entry, None), retry=failure.retry)


def _write_reason_file(
    settings: Settings, stem: str, reason: str, rejects: list[parse.RejectedRecord]
) -> None:
    """A plain-text note beside the quarantined files, for whoever fixes the delivery."""
    settings.quarantine.mkdir(parents=True, exist_ok=True)
    lines = [reason]
    lines += [f"line {r.line_no}: {r.reason}" for r in rejects[:_REASON_SAMPLE]]
    target = settings.quarantine / f"{stem}.reason.txt"
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(target)


def _outcome(entry: ops_store.LogEntry, final: Path | None) -> DeliveryOutcome:
    return DeliveryOutcome(
        file_name=entry.file_name,
        iface=entry.iface,
        province=entry.province_code,
        data_date=entry.data_date,
        seq=entry.seq,
        status=entry.status,
        record_count=entry.record_count,
        loaded_count=entry.loaded_count,
        rejected_count=entry.rejected_count,
        reason=entry.reason,
        lake_path=final if entry.status not in (REJECTED, FAILED) else None,
        duration_ms=entry.duration_ms,
    )
