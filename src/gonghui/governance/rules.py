"""Pure rules of the governance app: each returns a decision and its reasons, reads nothing.

Blocks: the formation, committee size, terms and election rules (gov); the dues, 经费 and
自动退会 rules (dues)."""

from __future__ import annotations
