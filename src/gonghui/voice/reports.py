"""Reports on appeals: by category, channel and state, on-time rate, satisfaction, hot topics
(frequent terms, docs/adr/0006), and the Excel export (core.exporting)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.exporting import Exporter
from gonghui.core.scoping import Viewer
from gonghui.voice import selectors
from gonghui.voice.models import Appeal, AppealStatus, Channel, Rating

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Bigrams that are grammar, not topics (function words and frequent fillers of appeals).
STOP_BIGRAMS = frozenset(
    [
        "我们",
        "你们",
        "他们",
        "没有",
        "可以",
        "希望",
        "能够",
        "问题",
        "工作",
        "单位",
        "公司",
        "一下",
        "一个",
        "这个",
        "那个",
        "什么",
        "因为",
        "所以",
        "但是",
        "如果",
        "已经",
        "还是",
        "进行",
        "相关",
        "情况",
        "要求",
        "反映",
        "请求",
        "建议",
        "关于",
        "以及",
        "目前",
        "现在",
        "不是",
        "就是",
        "自己",
        "时候",
        "领导",
        "是否",
        "是不",
        "不能",
        "能否",
        "下来",
        "起来",
        "出来",
        "一直",
        "个月",
        "今年",
        "去年",
        "时间",
    ]
)
_STOP_CHARS = frozenset("的了是在和与及或我你他她它们这那有也都就还而被把给对从向之其")


def hot_terms(texts: Iterable[str], limit: int = 20) -> list[tuple[str, int]]:
    """Frequent two-character terms: counted once per text (so one long letter does not
    dominate), skipping bigrams that start or end with a function character."""
    counts: Counter[str] = Counter()
    for text in texts:
        seen: set[str] = set()
        for run in _HAN_RUN.findall(text or ""):
            for i in range(len(run) - 1):
                gram = run[i : i + 2]
                if gram[0] in _STOP_CHARS or gram[1] in _STOP_CHARS or gram in STOP_BIGRAMS:
                    continue
                seen.add(gram)
        counts.update(seen)
    return [(term, n) for term, n in counts.most_common(limit) if n > 1]


@dataclass(frozen=True)
class Report:
    total: int
    by_category: list[dict[str, Any]]
    by_channel: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    replied: int
    on_time: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    escalated: int
    hot_terms: list[tuple[str, int]]


def appeal_report(*, viewer: Viewer, filters: selectors.AppealFilters) -> Report:
    qs = selectors.report_queryset(viewer=viewer, filters=filters)
    agg = qs.aggregate(
        total=Count("id"),
        replied=Count("id", filter=Q(replied_at__isnull=False)),
        on_time=Count("id", filter=Q(on_time=True)),
        rated=Count("id", filter=~Q(rating="")),
        satisfied=Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
        escalated=Count("id", filter=Q(escalations__gt=0)),
    )
    channels = dict(Channel.choices)
    states = dict(AppealStatus.choices)
    by_channel = [
        (str(channels.get(r["channel"], r["channel"])), r["n"])
        for r in selectors.counts_by(qs, "channel")
    ]
    by_status = [
        (str(states.get(r["status"], r["status"])), r["n"])
        for r in selectors.counts_by(qs, "status")
    ]
    # Hot topics read only the appeals the viewer may read (letters stay with their office).
    texts = selectors.appeal_list(viewer=viewer, filters=filters).values_list("title", "content")[
        :5000
    ]
    return Report(
        total=agg["total"],
        by_category=selectors.counts_by(qs, "category__name"),
        by_channel=by_channel,
        by_status=by_status,
        replied=agg["replied"],
        on_time=agg["on_time"],
        on_time_rate=(agg["on_time"] / agg["replied"]) if agg["replied"] else None,
        rated=agg["rated"],
        satisfied=agg["satisfied"],
        satisfaction_rate=(agg["satisfied"] / agg["rated"]) if agg["rated"] else None,
        escalated=agg["escalated"],
        hot_terms=hot_terms(f"{t} {c}" for t, c in texts),
    )


class AppealExporter(Exporter):
    """The appeals list as the viewer sees it: no identity of an anonymous submitter, phones
    masked, letters only for their own office."""

    title = _("诉求台账")

    def queryset(self) -> QuerySet[Appeal]:
        filters = selectors.AppealFilters(
            status=self.params.get("status", ""),
            category=self.params.get("category", ""),
            channel=self.params.get("channel", ""),
            kind=self.params.get("kind", ""),
        )
        return selectors.appeal_list(viewer=self.viewer, filters=filters)

    def count(self) -> int:
        return self.queryset().count()

    def header(self) -> Sequence[str | Promise]:
        return [
            _("编号"),
            _("类型"),
            _("类别"),
            _("渠道"),
            _("标题"),
            _("提出人"),
            _("办理工会"),
            _("状态"),
            _("收到日期"),
            _("受理期限"),
            _("答复期限"),
            _("答复时间"),
            _("按期答复"),
            _("评价"),
            _("移交上级次数"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        for a in self.queryset().iterator(chunk_size=1000):
            yield [
                a.number,
                a.get_kind_display(),
                a.category.name,
                a.get_channel_display(),
                a.title,
                a.submitter_label,
                a.org.name,
                a.get_status_display(),
                a.received_on,
                a.accept_due,
                a.reply_due,
                a.replied_at,
                a.on_time,
                a.get_rating_display() if a.rating else "",
                a.escalations,
            ]


class ReportExporter(Exporter):
    """The report's figures as one sheet: section, item, count (or rate)."""

    title = _("诉求统计")

    def header(self) -> Sequence[str | Promise]:
        return [_("统计项"), _("项目"), _("数值")]

    def rows(self) -> Iterator[Sequence[Any]]:
        import datetime as dt

        def day(key: str) -> dt.date | None:
            value = self.params.get(key) or ""
            return dt.date.fromisoformat(value) if value else None

        filters = selectors.AppealFilters(
            since=day("since"), until=day("until"), org_path=self.params.get("org_path", "")
        )
        r = appeal_report(viewer=self.viewer, filters=filters)
        yield [_("合计"), _("件数（含主席信箱）"), r.total]
        yield [
            _("合计"),
            _("按期答复率"),
            round(r.on_time_rate * 100, 1) if r.on_time_rate is not None else "",
        ]
        yield [
            _("合计"),
            _("满意率"),
            round(r.satisfaction_rate * 100, 1) if r.satisfaction_rate is not None else "",
        ]
        yield [_("合计"), _("逾期移交上级"), r.escalated]
        for row in r.by_category:
            yield [_("按类别"), row["category__name"], row["n"]]
        for label, n in r.by_channel:
            yield [_("按渠道"), label, n]
        for label, n in r.by_status:
            yield [_("按状态"), label, n]
        for term, n in r.hot_terms:
            yield [_("热点词"), term, n]
