"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "orgs.org.created": _("新建组织"),
    "orgs.org.renamed": _("组织更名"),
    "orgs.org.updated": _("修改组织信息"),
    "orgs.org.chair_changed": _("换届更换工会主席"),
    "orgs.org.moved": _("调整组织隶属关系"),
    "orgs.org.merged": _("合并组织"),
    "orgs.org.dissolved": _("撤销组织"),
    "orgs.employer.created": _("新建用人单位"),
    "orgs.employer.updated": _("修改用人单位"),
    "orgs.post.assigned": _("任命干部职务"),
    "orgs.post.ended": _("免去干部职务"),
}
