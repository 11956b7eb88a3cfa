"""Read a workbook's first sheet with python-calamine and stream its rows to stdout (pickle).

Run as a script by ``core.importing.guard`` in a child process under a memory limit
(RLIMIT_AS): calamine builds the sheet as one dense grid, so a hostile file (one cell at
XFD1048576) asks for hundreds of gigabytes; here that kills this process, not the worker.
It imports nothing but the standard library and python-calamine (no Django, no settings).

Protocol on stdout: ``("height", n)``, then ``("rows", [row, ...])`` chunks, then ``("end",)``;
or ``("error", code)`` with code one of ``empty``, ``password``, ``unreadable``.
"""

from __future__ import annotations

import os
import pickle
import sys

CHUNK = 2000


def main(path: str) -> int:
    out = sys.stdout.buffer

    def send(message: tuple[object, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    limit = int(os.environ.get("GONGHUI_CHILD_MEMORY") or 0)
    if limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        if not workbook.sheet_names:
            send(("error", "empty"))
            return 0
        sheet = workbook.get_sheet_by_index(0)
    except python_calamine.PasswordError:
        send(("error", "password"))
        return 0
    except MemoryError:
        raise
    except Exception:
        send(("error", "unreadable"))
        return 0
    send(("height", sheet.height))
    chunk: list[list[object]] = []
    for row in sheet.iter_rows():
        chunk.append(list(row))
        if len(chunk) >= CHUNK:
            send(("rows", chunk))
            chunk = []
    if chunk:
        send(("rows", chunk))
    send(("end",))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
