"""`make bench`: run every benchmark on a throwaway database (DATABASE_URL picks the engine)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench import benefits, members, members_scope, orgs_scope, search, stats

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} ({name})", file=sys.stderr)
        # GONGHUI_BENCH_ONLY=orgs_scope,members_scope runs only those (a prefix of the chain).
        only = os.environ.get("GONGHUI_BENCH_ONLY", "")
        steps = [orgs_scope, members_scope, members, stats, search]  # on the data before
        if connection.vendor == "postgresql":
            steps.append(benefits)  # the counter under concurrency: gunicorn over PostgreSQL
        for step in steps:
            if not only or step.__name__.removeprefix("bench.") in only.split(","):
                step.run()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
