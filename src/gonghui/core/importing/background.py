"""A bulk import's writes, run in a second thread on the job's own connection (PostgreSQL).

Python validates batch N+1 while PostgreSQL writes batch N (issue 18 item 3): the two cores
work at once. The writes stay in the job's one transaction (ADR 0017) because they go through
the same connection; the thread is only a second caller of it, never at the same time as the
main thread: the main thread calls ``drain()`` before any query of its own, and a write that
fails is raised there (or by ``close()``), which fails the job and rolls everything back.

The queue is bounded (one batch waiting, one being written) so that memory stays flat.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

Write = Callable[[Any], None]  # receives psycopg's connection


class BackgroundWriter:
    def __init__(self, depth: int = 1) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._jobs: queue.Queue[Write | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="import-writer", daemon=True)

    def submit(self, write: Write) -> None:
        """Queue a write (waits while the queue is full); raises an earlier write's error."""
        self._raise()
        if not self._thread.is_alive():
            self._thread.start()  # on the first write: a file refused earlier leaves no thread
        self._jobs.put(write)

    def submit_query(self, query: Callable[[Any], Any]) -> list[Any]:
        """Queue a read behind the writes; its result is the list's one item after
        ``drain()`` (a lookup for the next batch runs while the main thread validates it)."""
        result: list[Any] = []
        self.submit(lambda raw: result.append(query(raw)))
        return result

    def drain(self) -> None:
        """Wait until every queued write is done: the connection is the caller's again."""
        self._jobs.join()
        self._raise()

    def close(self) -> None:
        """Finish the queued writes and stop the thread; raises a write's error."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self._raise()

    def abort(self) -> None:
        """Stop without running what is still queued (the transaction is being rolled back)."""
        self._stopping = True
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._stopping = True
            raise error

    def _loop(self) -> None:
        while True:
            write = self._jobs.get()
            try:
                if write is None:
                    return
                if not self._stopping and self._error is None:
                    write(self._raw)
            except BaseException as exc:  # handed to the main thread, which fails the job
                self._error = exc
            finally:
                self._jobs.task_done()
