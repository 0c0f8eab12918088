"""TMX 1.4b translation memories: one module per job, the public names re-exported here.

``reader`` (the per-``<tu>`` unit parser and the serial reader), ``parallel``
(the public :class:`TmxReader`, which reads a large file on several processes),
``writer`` (the streaming writer), ``validate`` (the TMX 1.4b validator),
``stats`` (``tmx stats``, counted by pieces with several jobs), ``dedup`` (the pair-key
arithmetic of stats and merge) and ``ops`` (merge, filter, export). Language tags follow
:mod:`bilingual_pr.language`, the one BCP 47 rule of the tool.
"""

from __future__ import annotations

from bilingual_pr.formats.tmx.ops import (
    EXPORT_FIELDS,
    EXPORT_FORMATS,
    FilterReport,
    MergeReport,
    TmxStats,
    export_units,
    filter_tmx,
    merge_tmx,
    tmx_stats,
)
from bilingual_pr.formats.tmx.parallel import TmxReader
from bilingual_pr.formats.tmx.reader import XML_LANG, lang_match, read_tmx, read_tmx_header
from bilingual_pr.formats.tmx.validate import Problem, Validation, validate_tmx
from bilingual_pr.formats.tmx.writer import OMEGAT_CONTEXT_PROPS, SEGTYPES, TmxWriter, write_tmx
from bilingual_pr.formats.units import TmxHeader, TranslationUnit
from bilingual_pr.language import is_language_tag

__all__ = [
    "TmxHeader", "TranslationUnit", "TmxWriter", "TmxReader", "write_tmx", "read_tmx", "read_tmx_header",
    "lang_match", "Problem", "Validation", "validate_tmx", "TmxStats", "tmx_stats", "MergeReport",
    "merge_tmx", "FilterReport", "filter_tmx", "export_units", "EXPORT_FORMATS", "EXPORT_FIELDS",
    "is_language_tag", "XML_LANG", "SEGTYPES", "OMEGAT_CONTEXT_PROPS",
]
