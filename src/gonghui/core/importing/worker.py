"""A forked worker process for an import's pure-Python work (issue 18 item 3, ADR 0019).

One process cannot validate and encrypt rows while it also feeds PostgreSQL: the GIL lets one
thread run Python at a time. ``BlockWorker`` forks a child that inherits the importer as it is
after ``setup()`` (dictionaries, settings, keys) and runs ``work(payload)`` on each block the
parent sends, in order, while the parent writes the previous block's result. The child never
touches the parent's database connection (it is blocked there: a query in the child would
corrupt the parent's session); whatever it needs from the database the parent sends with the
block.

Failure is always the job's, never a hang (ADR 0017): a child that dies (killed, out of
memory) or does not answer a block within ``GONGHUI_IMPORT_WORKER_TIMEOUT`` seconds is killed
and raises ``ImportFileError`` with a Chinese reason; an exception in ``work`` comes back as
one. The parent then rolls the job's transaction back, so nothing is written. A child whose
parent dies stops when its pipe closes.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import queue
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from gonghui.core.importing.reader import ImportFileError

logger = logging.getLogger(__name__)

_POLL_SECONDS = 1.0


def available() -> bool:
    """Forking is what keeps the importer's state without pickling it (Linux, macOS)."""
    return "fork" in multiprocessing.get_all_start_methods()


def timeout_seconds() -> float:
    return float(getattr(settings, "GONGHUI_IMPORT_WORKER_TIMEOUT", 300))


class _NoDatabase:
    """Stands for ``ensure_connection`` in the child: the socket is the parent's."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the import worker process must not use the database")


def _child_main(work: Callable[[Any], Any], tasks: Any, results: Any, parents: Any) -> None:
    for end in parents:  # else the task pipe never reports its writer gone
        end.close()
    # The inherited connections stay referenced (a collected one would say goodbye to the
    # server on the parent's socket) and unusable.
    for conn in connections.all(initialized_only=True):
        conn.ensure_connection = _NoDatabase()  # type: ignore[method-assign]
    limit = int(getattr(settings, "GONGHUI_IMPORT_MEMORY_MB", 4096)) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A thread reads ahead: the parent's send of block n+1 must not wait for the result of
    # block n, which waits for the parent to read it (a full pipe both ways).
    at_start = _peak_rss_mb()  # the inherited pages it touched already (shared, not copied)
    inbox: queue.Queue[Any] = queue.Queue()
    threading.Thread(target=_read_all, args=(tasks, inbox), daemon=True).start()
    while True:
        payload = inbox.get()
        if payload is _GONE:
            return  # the parent died: nobody will read a result
        if payload is None:
            results.send(("done", (at_start, _peak_rss_mb())))
            return
        try:
            results.send(("ok", work(payload)))
        except MemoryError:
            results.send(("memory", ""))
            return
        except BaseException:  # reported to the parent, which fails the job
            results.send(("error", traceback.format_exc()))
            return


_GONE = object()


def _read_all(tasks: Any, inbox: queue.Queue[Any]) -> None:
    while True:
        try:
            payload = tasks.recv()
        except (EOFError, OSError):
            inbox.put(_GONE)
            return
        inbox.put(payload)
        if payload is None:
            return


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class BlockWorker:
    """``submit`` blocks in order, ``receive`` their results in the same order."""

    def __init__(self, work: Callable[[Any], Any]) -> None:
        context = multiprocessing.get_context("fork")
        child_tasks, self._tasks = context.Pipe(duplex=False)  # (reader, writer)
        self._results, child_results = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child_main,
            args=(work, child_tasks, child_results, (self._tasks, self._results)),
            name="import-worker",
            daemon=True,
        )
        # The child inherits the parent's heap: frozen, the collector never walks it there
        # (a walk touches every inherited page, which the kernel then copies).
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        child_tasks.close()
        child_results.close()
        self.rss_mb = (0.0, 0.0)  # the child's peak RSS at its start and at its end

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def submit(self, payload: Any) -> None:
        try:
            self._tasks.send(payload)
        except (BrokenPipeError, ConnectionResetError, OSError):
            raise self._failure() from None

    def receive(self) -> Any:
        """The next block's result; raises ImportFileError when the child died or hung."""
        waited = 0.0
        limit = timeout_seconds()
        while not self._results.poll(_POLL_SECONDS):
            waited += _POLL_SECONDS
            if not self._process.is_alive():
                if self._results.poll(0):  # it answered just before it ended
                    break
                raise self._failure()
            if waited >= limit:
                self.kill()
                raise ImportFileError(
                    _("导入校验进程超过%(s)d秒没有响应，已终止；未写入任何数据，可重新导入")
                    % {"s": limit}
                )
        try:
            status, value = self._results.recv()
        except (EOFError, OSError):
            raise self._failure() from None
        if status == "ok":
            return value
        raise self._failed(status, value)

    def _failed(self, status: str, value: Any) -> ImportFileError:
        """The child's own report of why it stopped."""
        self.kill()
        if status == "memory":
            return ImportFileError(_("导入校验进程内存不足，未写入任何数据：请把文件拆小后再导入"))
        logger.error("import worker failed:\n%s", value)
        return ImportFileError(_("导入校验进程出错，已记录日志；未写入任何数据，可重新导入"))

    def close(self) -> None:
        """Stop the child after its last block (its peak memory is kept for the benchmark)."""
        try:
            self._tasks.send(None)
            if self._results.poll(timeout_seconds()):
                status, value = self._results.recv()
                if status == "done":
                    self.rss_mb = value
        except (EOFError, OSError):
            pass
        self.kill()

    def kill(self) -> None:
        """End the child now (a failed or aborted import); idempotent."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._tasks.close()
        self._results.close()

    def _failure(self) -> ImportFileError:
        """The child is gone: its last word if it left one, else how it ended."""
        try:
            while self._results.poll(0):  # results of earlier blocks first, then its reason
                status, value = self._results.recv()
                if status not in ("ok", "done"):
                    return self._failed(status, value)
        except (EOFError, OSError):
            pass
        self._process.join(1)
        code = self._process.exitcode
        self.kill()
        how = (
            _("被信号 %(n)d 终止") % {"n": -code}
            if code is not None and code < 0
            else _("退出码 %(n)s") % {"n": code}
        )
        return ImportFileError(
            _("导入校验进程意外终止（%(how)s），未写入任何数据，可重新导入") % {"how": how}
        )
