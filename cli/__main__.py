"""``python -m supportgraph.cli`` runs the command line."""

from supportgraph.cli.app import main

main()
