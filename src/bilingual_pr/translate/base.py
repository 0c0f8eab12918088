"""The small interface every drafting engine implements, and what a draft records.

An engine receives the whole list of source sentences (so a memory can look at
the neighbours of a sentence) and the indices it should handle, and returns one
``Suggestion`` or ``None`` per index. A translation memory answers ``None``
where it has no match; a machine-translation engine answers every index.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Literal, Protocol, Sequence, runtime_checkable

Origin = Literal["tm-context", "tm-exact", "tm-fuzzy", "mt", "untranslated"]
ORIGINS: tuple[Origin, ...] = ("tm-context", "tm-exact", "tm-fuzzy", "mt", "untranslated")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed target for one source sentence and where it came from."""

    target: str
    origin: Origin
    engine: str
    score: float | None = None  # match percentage (101 = in context); None for MT
    match_source: str | None = None  # the memory's source text for TM matches


@runtime_checkable
class Engine(Protocol):
    """Anything that can propose targets for some of the sentences of a document."""

    name: str

    def suggest(self, sources: Sequence[str], todo: Sequence[int]) -> list[Suggestion | None]:
        """Return one suggestion (or None) for each index in ``todo``."""
        ...


class MTEngine(abc.ABC):
    """A machine-translation engine: translates a list of plain sentences at once.

    The one type every MT engine subclasses (Argos, the test engine): the drafter
    uses it as an :class:`Engine` and the aligner's MT scorer (``align/mt.py``)
    takes nothing else. A subclass implements ``translate_batch`` (one
    translation per sentence, in order) and sets ``name``, ``src_lang`` and ``tgt_lang``.
    """

    name: str = "mt"
    src_lang: str = ""
    tgt_lang: str = ""

    @abc.abstractmethod
    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate sentences, in order, in as few model calls as the engine allows."""

    def placeholder_survives(self, placeholder: str) -> bool:
        """True when the engine's tokenizer reproduces ``placeholder`` unchanged."""
        return True

    def suggest(self, sources: Sequence[str], todo: Sequence[int]) -> list[Suggestion | None]:
        """Translate every sentence in ``todo``."""
        out = self.translate_batch([sources[i] for i in todo])
        return [Suggestion(t, "mt", self.name) for t in out]
