"""The institutional glossary: model, TBX/CSV formats, term matching, lint and suggestions."""

from bilingual_pr.glossary.files import load_glossary, output_format, parse_glossary, save_glossary
from bilingual_pr.glossary.matcher import TermMatch, TermMatcher
from bilingual_pr.glossary.model import (APPROVED, GENDERS, NUMBERS, PARTS_OF_SPEECH, REJECTED, STATUSES, TERM_TYPES,
                                         Entry, Glossary, LoadIssue, Term)

__all__ = [
    "APPROVED", "GENDERS", "NUMBERS", "PARTS_OF_SPEECH", "REJECTED", "STATUSES", "TERM_TYPES",
    "Entry", "Glossary", "LoadIssue", "Term", "TermMatch", "TermMatcher",
    "load_glossary", "output_format", "parse_glossary", "save_glossary",
]
