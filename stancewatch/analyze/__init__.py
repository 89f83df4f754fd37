"""The analyze stage: stored articles -> statements -> actor states and stance changes.

``runner`` is the entry point (``analyze_pending``, ``restance``); ``statements`` writes what the
engine (``stancewatch.stance``) finds, ``pool`` runs the engine on several cores, ``tracker``
decides when a stance changes and ``replay`` stores states and changes from the statements.
"""
