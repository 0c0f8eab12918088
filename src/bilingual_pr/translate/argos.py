"""Argos Translate models: install/list/remove through Argos's own package layer,
and a batched CTranslate2 engine over an installed package.

Where packages live is decided by ``argostranslate.settings`` when it is first
imported: ``ARGOS_PACKAGES_DIR`` if set, else ``$XDG_DATA_HOME/argos-translate/packages``
(``~/.local/share/argos-translate/packages``). Set those variables before the
first import. Only ``argostranslate.package`` is imported for drafting (not
``argostranslate.translate``, which pulls in stanza/spacy sentence splitters
and may try to download their models): we segment ourselves and call
CTranslate2 and SentencePiece directly, once per document, in batches.
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.translate.base import MTEngine

if TYPE_CHECKING:
    import sentencepiece

log = logging.getLogger(__name__)

# Sentences per CTranslate2 batch. On CPU, 64 sentences x beam 4 held some 250 MB of decoding buffers
# (the vocabulary projection of 256 hypotheses a step, and their attention caches), re-faulted at
# every step, for the same CPU time as 16 with a model of Argos's real size (docs/translation.md).
CPU_BATCH, GPU_BATCH = 16, 64

@dataclass(frozen=True, slots=True)
class ModelInfo:
    """An installed Argos translation package."""

    name: str  # folder name, e.g. translate-fr_en-1_9
    from_code: str
    to_code: str
    version: str
    path: Path


def _package_module():
    try:
        import argostranslate.package as pkg
    except ImportError:
        raise UserError("Argos Translate is not installed: pip install 'bilingual-pr[mt]'") from None
    return pkg


def packages_dir() -> Path:
    """The folder Argos Translate installs packages into (from its settings)."""
    _package_module()
    from argostranslate import settings

    return Path(settings.package_data_dir)


def _info(p: Any) -> ModelInfo:
    # p: an argostranslate.package.Package (the package has no type information).
    return ModelInfo(Path(p.package_path).name, p.from_code, p.to_code, p.package_version or "", Path(p.package_path))


def installed_models() -> list[ModelInfo]:
    """Every installed Argos translation package, sorted by language pair."""
    pkg = _package_module()
    try:
        found = [p for p in pkg.get_installed_packages() if getattr(p, "type", "translate") == "translate"]
    except (FileNotFoundError, json.JSONDecodeError) as err:
        raise UserError(f"broken Argos package in {packages_dir()}: {err}") from None
    return sorted((_info(p) for p in found), key=lambda m: (m.from_code, m.to_code, m.name))


def find_model(src: str, tgt: str) -> ModelInfo | None:
    """The installed package translating ``src`` to ``tgt``, or None."""
    hits = [m for m in installed_models() if m.from_code == src and m.to_code == tgt]
    return hits[-1] if hits else None


def check_archive(path: str | Path) -> dict:
    """Validate an .argosmodel file before installing it and return its metadata."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: no such file")
    if not zipfile.is_zipfile(p):
        raise UserError(f"{p}: not an Argos model (.argosmodel files are zip archives)")
    with zipfile.ZipFile(p) as zf:
        names = zf.namelist()
        for n in names:
            pp = PurePosixPath(n)
            if pp.is_absolute() or ".." in pp.parts or "\\" in n:
                raise UserError(f"{p}: unsafe path in archive: {n!r}")
        tops = {PurePosixPath(n).parts[0] for n in names if n.strip("/")}
        if len(tops) != 1:
            raise UserError(f"{p}: an .argosmodel holds exactly one package folder, found {len(tops)}")
        top = tops.pop()
        try:
            meta = json.loads(zf.read(f"{top}/metadata.json"))
        except KeyError:
            raise UserError(f"{p}: no {top}/metadata.json in the archive") from None
        except (ValueError, UnicodeDecodeError) as err:
            raise UserError(f"{p}: unreadable metadata.json: {err}") from None
        if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
            raise UserError(f"{p}: metadata.json lacks from_code/to_code")
        if meta.get("type", "translate") == "translate":
            if f"{top}/model/model.bin" not in names:
                raise UserError(f"{p}: no CTranslate2 model ({top}/model/model.bin)")
            if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
                raise UserError(f"{p}: no tokenizer (sentencepiece.model or bpe.model)")
    meta["_folder"] = top
    return meta


def install_model(path: str | Path) -> ModelInfo:
    """Install an .argosmodel file with Argos's installer (offline) and return what was installed."""
    meta = check_archive(path)
    pkg = _package_module()
    target = packages_dir() / meta["_folder"]
    if target.exists():
        old = next((p for p in pkg.get_installed_packages() if Path(p.package_path) == target), None)
        if old is not None:
            pkg.uninstall(old)
    try:
        pkg.install_from_path(Path(path))
    except Exception as err:  # noqa: BLE001 - Argos raises bare Exceptions
        raise UserError(f"{path}: installation failed: {err}") from None
    hit = next((m for m in installed_models() if m.path == target), None)
    if hit is None:
        raise UserError(f"{path}: installed, but Argos Translate does not list it")
    return hit


def remove_model(name: str) -> ModelInfo:
    """Uninstall a package given by folder name (translate-fr_en-1_9) or pair (fr-en, fr_en)."""
    pkg = _package_module()
    models = installed_models()
    key = name.replace("_", "-").lower()
    hits = [m for m in models if m.name == name or f"{m.from_code}-{m.to_code}" == key]
    if not hits:
        have = ", ".join(m.name for m in models) or "none"
        raise UserError(f"no installed model {name!r} (installed: {have})")
    if len(hits) > 1:
        raise UserError(f"{name!r} matches several models ({', '.join(m.name for m in hits)}); give the folder name")
    victim = hits[0]
    obj = next(p for p in pkg.get_installed_packages() if Path(p.package_path) == victim.path)
    pkg.uninstall(obj)
    return victim


class ArgosEngine(MTEngine):
    """Batched translation with an installed Argos package: one model load, few CTranslate2 calls."""

    def __init__(self, model: ModelInfo, *, beam_size: int = 4, max_batch_size: int | None = None,
                 max_decoding_length: int = 256, max_input_length: int = 1024, length_penalty: float = 0.2,
                 device: str | None = None, compute_type: str | None = None, inter_threads: int = 1,
                 intra_threads: int = 0) -> None:
        import ctranslate2
        from argostranslate import settings

        # Argos's own settings (ARGOS_DEVICE_TYPE=cuda, ARGOS_COMPUTE_TYPE) apply unless overridden.
        device = device or settings.device
        compute_type = compute_type or settings.compute_type
        max_batch_size = max_batch_size or (CPU_BATCH if device == "cpu" else GPU_BATCH)

        self.model = model
        self.name = f"argos:{model.name}"
        self.src_lang, self.tgt_lang = model.from_code, model.to_code
        # ctranslate2's translate_batch keyword arguments (numbers, a string, flags).
        self.options: dict[str, Any] = dict(beam_size=beam_size, max_batch_size=max_batch_size, batch_type="examples",
                            max_decoding_length=max_decoding_length, max_input_length=max_input_length,
                            length_penalty=length_penalty, replace_unknowns=True, num_hypotheses=1)
        meta = json.loads((model.path / "metadata.json").read_text(encoding="utf-8"))
        self.target_prefix: str = meta.get("target_prefix", "") or ""
        try:
            self.translator = ctranslate2.Translator(str(model.path / "model"), device=device,
                                                     compute_type=compute_type, inter_threads=inter_threads,
                                                     intra_threads=intra_threads)
        except (RuntimeError, ValueError) as err:
            raise UserError(f"cannot load the model in {model.path}: {err}") from None
        sp_path = model.path / "sentencepiece.model"
        # One of the two tokenizers; argostranslate (the BPE one) has no type information.
        self._sp: sentencepiece.SentencePieceProcessor | None = None
        self._bpe: Any = None
        if sp_path.exists():
            import sentencepiece as spm

            self._sp = spm.SentencePieceProcessor(model_file=str(sp_path))
        else:
            # Older packages use BPE with Moses tokenization: reuse Argos's tokenizer.
            from argostranslate.tokenizer import BPETokenizer

            self._bpe = BPETokenizer(model.path / "bpe.model", model.from_code, model.to_code)
        self.calls = 0
        # Called with the number of sentences done after each chunk (a progress bar).
        self.progress: Callable[[int], None] | None = None

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        """Tokenize sentences for the model."""
        if self._sp is not None:
            return self._sp.encode(list(sentences), out_type=str)
        return [self._bpe.encode(s) for s in sentences]

    def decode(self, tokens: Sequence[str]) -> str:
        """Detokenize one hypothesis."""
        if self._sp is not None:
            return self._sp.decode_pieces(list(tokens))
        return self._bpe.decode(list(tokens))

    def placeholder_survives(self, placeholder: str) -> bool:
        """True when the tokenizer reproduces the placeholder (no unknown pieces)."""
        return self.decode(self.encode([placeholder])[0]).strip() == placeholder

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate all sentences with one CTranslate2 call (it sorts and batches internally)."""
        if not sentences:
            return []
        if self.progress is not None:
            # Chunks large enough to keep batches full, small enough to show progress.
            step = max(64, 8 * int(self.options["max_batch_size"]))
            out: list[str] = []
            for i in range(0, len(sentences), step):
                out.extend(self._translate(sentences[i:i + step]))
                self.progress(len(out))
            return out
        return self._translate(sentences)

    def _translate(self, sentences: Sequence[str]) -> list[str]:
        tokens = self.encode(sentences)
        prefix = [[self.target_prefix] for _ in tokens] if self.target_prefix else None
        self.calls += 1
        results = self.translator.translate_batch(tokens, target_prefix=prefix, **self.options)
        out = []
        for src, res in zip(sentences, results):
            hyp = list(res.hypotheses[0])
            if self.target_prefix and hyp[:1] == [self.target_prefix]:
                hyp = hyp[1:]
            out.append(self.decode(hyp).strip() if src.strip() else "")
        return out
