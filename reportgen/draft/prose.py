"""Sentences generated from the figures, so that the text always agrees with the tables.

The opening paragraph and the lead sentences of sections 二, 三, 四, 六 and of
（二）依申请公开 are Jinja templates in the format data. They are rendered here against the
report's names (``reportgen.model.names``): every figure under its data-file key
(``requests.new.total``), the subtotals the format names (``requests.withheld.total``),
the 信息处理费 (``fees.amount``) and a few report fields (``report.year``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache, lru_cache

from reportgen.model import format_number


def _finalize(value: object) -> object:
    if isinstance(value, Decimal):
        return format_number(value)
    return value


@cache
def _format_environment():
    """The sentences of the format data ship with reportgen itself, so they are Jinja
    templates. (Narrative text from data files is never rendered by Jinja: see
    ``reportgen.checks.narrative.render``.) Jinja is imported only when a draft is made."""
    from jinja2 import Environment, StrictUndefined  # imported when first used: start-up time

    return Environment(undefined=StrictUndefined, autoescape=False, finalize=_finalize)


@lru_cache(maxsize=64)
def _format_template(source: str):
    return _format_environment().from_string(source)


def render(source: str, names: dict) -> str:
    """One of the format's own sentence templates (opening, lead sentences), filled in."""
    return _format_template(source).render(names).strip()
