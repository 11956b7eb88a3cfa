"""The browser fixtures of tests/e2e, for this module's browser test."""

from tests.e2e.conftest import browser, phone_tab, tab  # noqa: F401
