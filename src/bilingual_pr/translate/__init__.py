"""Draft translations: translation memory first, then Argos Translate, glossary enforced.

``draft.draft_sentences`` runs the engines in order over a document's sentences;
``memory`` (exact, in-context and fuzzy TM matches), ``argos`` (installed Argos
packages, batched CTranslate2) and ``testengine`` (deterministic, for tests)
implement the small interface in ``base``; ``enforce`` applies the glossary.
Heavy libraries are imported only when an engine is built.
"""

from bilingual_pr.translate.base import ORIGINS, Engine, MTEngine, Origin, Suggestion
from bilingual_pr.translate.draft import DraftSegment, draft_sentences, summarize

__all__ = ["ORIGINS", "DraftSegment", "Engine", "MTEngine", "Origin", "Suggestion", "draft_sentences", "summarize"]
