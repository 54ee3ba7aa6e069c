"""``python -m aftershock``: the same as the ``aftershock`` command."""

from aftershock.cli import main

main()
