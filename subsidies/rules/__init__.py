"""The seed's rules (临政办发〔2022〕16 号) as pure functions: award calculator, eligibility, clawback."""

from .award import EarlierAward, Quote, RuleBook, quote_award
from .clawback import economic_recovery_wan, recovery_wan, reevaluation_due_on, technical_recovery_wan
from .eligibility import EligibilityFacts, Failure, check_eligibility
from .money import wan

__all__ = [
    "EarlierAward",
    "EligibilityFacts",
    "Failure",
    "Quote",
    "RuleBook",
    "check_eligibility",
    "economic_recovery_wan",
    "quote_award",
    "recovery_wan",
    "reevaluation_due_on",
    "technical_recovery_wan",
    "wan",
]
