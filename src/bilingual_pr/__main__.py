"""Allow ``python -m bilingual_pr``."""

from bilingual_pr.cli import main

main()
