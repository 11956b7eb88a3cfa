"""The working-day calendar pages: installation admins (superusers) enter each year's official
holiday/调休 schedule. Everyone else gets a 404: the pages do not exist for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import selectors
from gonghui.core.calendar_services import calendar_year_save, parse_schedule_lines
from gonghui.core.decorators import superuser_required
from gonghui.core.forms import BootstrapMixin, BoundedDateField
from gonghui.core.models import CalendarDay, DayKind
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form

MIN_YEAR, MAX_YEAR = 2000, 2100


class CalendarYearForm(BootstrapMixin, forms.Form):
    holidays = forms.CharField(
        label=gettext_lazy("放假日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "每行一个日期或日期范围及节日名称，如“2027-01-01 元旦”“2027-02-06~2027-02-13 春节”；"
            "假期内的周末也可列出。"
        ),
    )
    workdays = forms.CharField(
        label=gettext_lazy("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("每行一个需上班的周六或周日，如“2027-02-14 春节调休上班”。"),
    )
    source = forms.CharField(
        label=gettext_lazy("来源"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    published_on = BoundedDateField(
        label=gettext_lazy("发布日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.line_of: dict[str, dict[dt.date, int]] = {}

    def _clean_lines(self, field: str, kind: str) -> dict[dt.date, str]:
        days, errors, line_of = parse_schedule_lines(
            self.cleaned_data[field], year=self.year, kind=kind
        )
        if errors:
            raise ValidationError(errors)
        self.line_of[field] = line_of
        return days

    def clean_holidays(self) -> dict[dt.date, str]:
        return self._clean_lines("holidays", DayKind.HOLIDAY)

    def clean_workdays(self) -> dict[dt.date, str]:
        return self._clean_lines("workdays", DayKind.WORKDAY)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        holidays, workdays = data.get("holidays"), data.get("workdays")
        if isinstance(holidays, dict) and isinstance(workdays, dict):
            for day in sorted(set(holidays) & set(workdays)):
                self.add_error(
                    "workdays",
                    _("第%(n)d行：%(day)s已在放假日期第%(m)d行列出，不能既放假又上班")
                    % {
                        "n": self.line_of["workdays"][day],
                        "day": day.isoformat(),
                        "m": self.line_of["holidays"][day],
                    },
                )
        return data


def _lines(days: list[CalendarDay]) -> str:
    """Days as text lines, consecutive days of one name joined into a range."""
    runs: list[list[CalendarDay]] = []
    for day in days:
        previous = runs[-1][-1] if runs else None
        if (
            previous
            and previous.name == day.name
            and day.date - previous.date == dt.timedelta(days=1)
        ):
            runs[-1].append(day)
        else:
            runs.append([day])
    out = []
    for run in runs:
        first, last = run[0].date.isoformat(), run[-1].date.isoformat()
        span = first if first == last else f"{first}~{last}"
        out.append(f"{span} {run[0].name}".rstrip())
    return "\n".join(out)


@superuser_required
def calendar_list(request: ViewerRequest) -> HttpResponse:
    entries = selectors.calendar_years()
    counts = selectors.calendar_day_counts()
    this_year = timezone.localdate().year
    years = sorted({*entries, this_year, this_year + 1}, reverse=True)
    rows = [
        {
            "year": year,
            "entry": entries.get(year),
            "holidays": counts.get((year, DayKind.HOLIDAY), 0),
            "workdays": counts.get((year, DayKind.WORKDAY), 0),
            "upcoming": year > this_year,
        }
        for year in years
    ]
    missing_next = this_year + 1 not in entries
    return render(
        request,
        "core/calendar_list.html",
        {
            "rows": rows,
            "next_year": this_year + 1,
            "missing_next": missing_next,
            "title": _("节假日安排"),
        },
    )


@superuser_required
def calendar_edit(request: ViewerRequest, year: int) -> HttpResponse:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    entry, days = selectors.calendar_year(year)
    initial = {
        "holidays": _lines([d for d in days if d.kind == DayKind.HOLIDAY]),
        "workdays": _lines([d for d in days if d.kind == DayKind.WORKDAY]),
        "source": entry.source if entry else "",
        "published_on": entry.published_on if entry else None,
    }
    form = CalendarYearForm(request.POST or None, initial=initial, year=year)
    if submit_form(
        request,
        form,
        lambda: calendar_year_save(actor=request.user, year=year, **form.cleaned_data),
        _("已保存%(year)d年节假日安排") % {"year": year},
    ):
        return redirect("core:calendar_list")
    return render(
        request,
        "core/calendar_form.html",
        {
            "form": form,
            "year": year,
            "entry": entry,
            "title": _("%(year)d年节假日安排") % {"year": year},
        },
    )
