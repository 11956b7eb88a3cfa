"""The range of dates the platform accepts as input (issue 16 item 9).

A date far outside any plausible range (0001-01-01, 9999-12-31) is a typing slip, and it breaks
the pages that compute from it (a deadline before year 1 overflows). Birth dates may go back to
1880 (the oldest living retirees' parents appear on hardship households); every other event
(joining, founding, meetings, payments) is from 1900 on; nothing is after 2100. One place, used
by the form field (core.forms.BoundedDateField), the API types (core.api_schemas.EventDate,
BirthDate) and the importers (core.importing.normalize).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

EARLIEST_BIRTH = dt.date(1880, 1, 1)
EARLIEST_EVENT = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)


def date_bounds(*, birth: bool = False) -> tuple[dt.date, dt.date]:
    return (EARLIEST_BIRTH if birth else EARLIEST_EVENT), LATEST


def date_range_error(value: dt.date, *, birth: bool = False) -> str | None:
    """The Chinese refusal for a date outside the range, or None when it is inside."""
    low, high = date_bounds(birth=birth)
    if low <= value <= high:
        return None
    return _("日期应在%(low)s至%(high)s之间") % {
        "low": low.isoformat(),
        "high": high.isoformat(),
    }
