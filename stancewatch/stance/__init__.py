"""The stance engine: who holds which stance on Ukraine joining NATO, with evidence.

Text in, statements out (``StanceEngine.analyze``); explainable rules, each statement names the
cue that decided it. The layout follows the steps: sentences -> actor mentions -> attribution
(who holds it) -> classification (support / oppose / neutral).
"""

from stancewatch.stance.engine import StanceEngine, StatementResult

__all__ = ["StanceEngine", "StatementResult"]
