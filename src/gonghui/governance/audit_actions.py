"""The audit action codes this app writes, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # --- committees, formation, terms and 换届 (gov) ---
    "governance.committee.created": _("登记工会委员会"),
    "governance.committee.seat_added": _("增补委员会成员"),
    "governance.committee.seat_ended": _("委员会成员离任"),
    # --- dues, funds and audits (dues) ---
}
