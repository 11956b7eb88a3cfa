"""JSON API of the app."""

from ninja import Router

router = Router(tags=["assistance"])
