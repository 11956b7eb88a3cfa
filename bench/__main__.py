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

    from bench import benefits, members, members_scope, orgs_scope, stats

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} ({name})", file=sys.stderr)
        orgs_scope.run()
        members_scope.run()  # on the tree orgs_scope built
        members.run()  # the roster import, on the same tree
        stats.run()  # rollups over all of the above
        if connection.vendor == "postgresql":
            benefits.run()  # the counter under concurrency: gunicorn over PostgreSQL
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
