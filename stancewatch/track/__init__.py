"""The analyze stage after the engine: statements in the database, the tracker, queries."""
