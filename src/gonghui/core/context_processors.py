from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """The acting org and the navigation for the base layout (computed lazily)."""
    from gonghui.core.chrome import shell_context

    return shell_context(request)
