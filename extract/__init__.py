"""Text → typed records (no RDF): indicator cells, targets, and later whole documents."""

from jixiao.extract.records import Indicator, Issue, ParseResult, Target

__all__ = ["Indicator", "Issue", "ParseResult", "Target"]
