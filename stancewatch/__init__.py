"""stancewatch: who backs Ukraine in NATO, and who just changed their mind."""

__version__ = "0.1.0"
