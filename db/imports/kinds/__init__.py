"""Every import kind, in dependency order: agencies before the officers and matters that name them, cases before
their events and review rounds; ``decisions`` (flat rows of published decisions), then ``inspections`` (which
may name a case)."""

from __future__ import annotations

from db.imports.kinds import agencies, cases, decisions, events, inspections, matters, officers, reviews
from db.imports.spec import KindSpec

__all__ = ["KINDS", "SUPPORTED_KINDS"]

KINDS: dict[str, KindSpec] = {
    module.SPEC.kind: module.SPEC for module in (agencies, officers, matters, cases, events, reviews, decisions, inspections)
}
SUPPORTED_KINDS = tuple(KINDS)
