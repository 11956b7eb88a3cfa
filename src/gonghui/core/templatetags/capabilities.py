"""``{% can "members.manage" org as allowed %}``: whether the viewer holds a capability at an org.

Buttons and forms are shown only when the service behind them would accept the viewer, so the
tag asks the one check the services make (``user.has_capability``, which
``core.scoping.require_capability`` calls). ``org``
is an Org, anything with an ``org_path`` (a member, a case ...), a path string, or omitted for
the acting org.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _path_of(target: Any, context: template.Context) -> str:
    if target is None:
        return str(context.get("acting_path", "") or "")
    if isinstance(target, str):
        return target
    for attribute in ("path", "org_path"):
        value = getattr(target, attribute, None)
        if isinstance(value, str):
            return value
    raise template.TemplateSyntaxError(f"can: no org path on {type(target).__name__}")


@register.simple_tag(takes_context=True)
def can(context: template.Context, capability: str, target: Any = None) -> bool:
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    path = _path_of(target, context)
    return bool(path) and user.has_capability(capability, path)
