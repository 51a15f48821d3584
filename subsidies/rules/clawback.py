"""第十一条: performance re-evaluation and recovery of funds, as pure arithmetic.

- Economic-indicator projects are assessed 5 years after completion: when the cumulative new tax revenue
  is below the support received, the difference is recovered (收回资金差额).
- Technical-indicator projects are assessed at completion: a project that misses its targets returns the
  whole award (未达到的收回专项资金).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from .money import ZERO, wan

ECONOMIC = "economic"
TECHNICAL = "technical"
REEVALUATION_YEARS = 5


def economic_recovery_wan(*, award_wan: Decimal, cumulative_new_tax_wan: Decimal) -> Decimal:
    """award − cumulative new tax when the tax falls short of the award; otherwise nothing."""
    if cumulative_new_tax_wan < 0:
        raise ValueError("cumulative new tax cannot be negative")
    if cumulative_new_tax_wan >= award_wan:
        return ZERO
    return wan(award_wan - cumulative_new_tax_wan)


def technical_recovery_wan(*, award_wan: Decimal, targets_met: bool) -> Decimal:
    """The whole award when the targets were missed at completion."""
    return ZERO if targets_met else wan(award_wan)


def recovery_wan(
    *,
    indicator_type: str,
    award_wan: Decimal,
    cumulative_new_tax_wan: Decimal | None = None,
    targets_met: bool | None = None,
) -> Decimal:
    if indicator_type == ECONOMIC:
        if cumulative_new_tax_wan is None:
            raise ValueError("economic re-evaluation needs cumulative_new_tax_wan")
        return economic_recovery_wan(award_wan=award_wan, cumulative_new_tax_wan=cumulative_new_tax_wan)
    if indicator_type == TECHNICAL:
        if targets_met is None:
            raise ValueError("technical re-evaluation needs targets_met")
        return technical_recovery_wan(award_wan=award_wan, targets_met=targets_met)
    raise ValueError(f"unknown indicator type {indicator_type!r}")


def reevaluation_due_on(*, indicator_type: str, completed_on: datetime.date) -> datetime.date:
    """Economic projects: 5 years after completion (29 Feb → 28 Feb); technical: at completion."""
    if indicator_type == TECHNICAL:
        return completed_on
    try:
        return completed_on.replace(year=completed_on.year + REEVALUATION_YEARS)
    except ValueError:  # 29 February
        return completed_on.replace(year=completed_on.year + REEVALUATION_YEARS, day=28)
