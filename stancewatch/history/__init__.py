"""The read side: what the CLI, the web page and the export show of the stored history.

Nothing here writes. ``queries`` answers questions (actors, statements, changes, search,
timelines); ``export`` streams whole tables as CSV, JSON or JSON Lines.
"""
