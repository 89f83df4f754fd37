"""``python -m stancewatch`` runs the command line."""

from stancewatch.cli import main

main()
