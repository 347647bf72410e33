"""``python -m webapp``: the ``dossier`` command without the console script."""

from webapp.cli.commands import main

main()
