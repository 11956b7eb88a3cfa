"""PostgreSQL as Django's backend, with a health check that costs no round trip on a busy
connection (see ``base.DatabaseWrapper``)."""
