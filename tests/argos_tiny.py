"""Build a real (but tiny, untrained) Argos Translate package for tests and benchmarks.

The package has everything ``argostranslate.package`` expects: a
``metadata.json``, a SentencePiece model trained here on the fixture text
below, and a CTranslate2 Transformer written with ``ctranslate2.specs`` from
random numpy weights. Its translations are noise: tests check structure
(installation, discovery by language pair, batching, output files), never
wording. The same builder makes a model of the real Argos fr_en size for
``bench/bench_draft.py``.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

# Fixture sentences written for these tests (French and English, press-release
# register); they only teach SentencePiece which pieces exist.
FIXTURE_TEXT = """\
Le Conseil des droits de l'homme ouvre sa session ce matin à Genève.
The Human Rights Council opens its session this morning in Geneva.
La Directrice générale a salué le travail des équipes de terrain.
The Director-General praised the work of the field teams.
Les États membres examineront le rapport annuel la semaine prochaine.
Member States will consider the annual report next week.
Le laboratoire a publié de nouveaux résultats sur le boson de Higgs.
The laboratory published new results on the Higgs boson.
Une conférence de presse aura lieu à 14 heures dans la salle III.
A press conference will take place at 2 p.m. in Room III.
Le Comité a adopté trois résolutions et une déclaration commune.
The Committee adopted three resolutions and a joint statement.
Les délégations ont demandé un financement durable pour l'aide humanitaire.
Delegations called for sustainable funding for humanitarian aid.
Le Secrétaire général adjoint présentera le budget révisé.
The Under-Secretary-General will present the revised budget.
L'accélérateur reprendra son fonctionnement au printemps.
The accelerator will resume operation in the spring.
Les journalistes accrédités peuvent suivre la réunion en ligne.
Accredited journalists can follow the meeting online.
Le Groupe de travail a tenu sa quatrième réunion à huis clos.
The Working Group held its fourth meeting in closed session.
La Rapporteuse spéciale a présenté ses conclusions préliminaires.
The Special Rapporteur presented her preliminary findings.
Le programme de formation accueille des étudiants de cinquante pays.
The training programme welcomes students from fifty countries.
Les experts ont recommandé de renforcer la coopération régionale.
The experts recommended strengthening regional cooperation.
Pour plus d'informations, veuillez contacter le Service de presse.
For more information, please contact the Press Office.
La délégation de Zurich a présenté le document XIV le 15 mars 2023.
The Zurich delegation presented document XIV on 15 March 2023.
"""

SPECIAL = ("<unk>", "<s>", "</s>")


def train_sentencepiece(lines: Iterable[str], vocab_size: int) -> bytes:
    """Train a SentencePiece unigram model on some lines and return the serialized model."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([ln for ln in lines if ln.strip()]),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        minloglevel=2,
    )
    return buf.getvalue()


def _vocabulary(sp_model: bytes, size: int | None) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=sp_model)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    assert tuple(pieces[:3]) == SPECIAL, pieces[:3]
    if size is not None and size > len(pieces):
        # Pad to the requested size (benchmark: a real-size output layer); the
        # extra pieces are never produced by the tokenizer.
        pieces += [f"▁xpad{i}" for i in range(size - len(pieces))]
    return pieces


def _transformer(vocab: Sequence[str], layers: int, d_model: int, heads: int, ffn: int, seed: int):
    import numpy as np
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(layers, heads)
    v = len(vocab)

    def dense(layer, out_dim: int, in_dim: int) -> None:
        layer.weight = (rng.standard_normal((out_dim, in_dim)) / np.sqrt(in_dim)).astype(np.float32)
        layer.bias = np.zeros(out_dim, dtype=np.float32)

    def norm(layer) -> None:
        layer.gamma = np.ones(d_model, dtype=np.float32)
        layer.beta = np.zeros(d_model, dtype=np.float32)

    def feed_forward(ff) -> None:
        norm(ff.layer_norm)
        dense(ff.linear_0, ffn, d_model)
        dense(ff.linear_1, d_model, ffn)

    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = (rng.standard_normal((v, d_model)) * 0.1).astype(np.float32)
    norm(enc.layer_norm)
    for layer in enc.layer:
        norm(layer.self_attention.layer_norm)
        dense(layer.self_attention.linear[0], 3 * d_model, d_model)  # fused q, k, v
        dense(layer.self_attention.linear[1], d_model, d_model)
        feed_forward(layer.ffn)
    dec.embeddings.weight = (rng.standard_normal((v, d_model)) * 0.1).astype(np.float32)
    norm(dec.layer_norm)
    dense(dec.projection, v, d_model)
    for layer in dec.layer:
        norm(layer.self_attention.layer_norm)
        dense(layer.self_attention.linear[0], 3 * d_model, d_model)
        dense(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.attention.layer_norm)
        dense(layer.attention.linear[0], d_model, d_model)  # query
        dense(layer.attention.linear[1], 2 * d_model, d_model)  # fused k, v
        dense(layer.attention.linear[2], d_model, d_model)
        feed_forward(layer.ffn)
    spec.register_source_vocabulary(list(vocab))
    spec.register_target_vocabulary(list(vocab))
    spec.validate()
    spec.optimize(quantization=None)
    return spec


def build_package(out: str | Path, from_code: str = "fr", to_code: str = "en", *,
                  layers: int = 1, d_model: int = 32, heads: int = 2, ffn: int = 64,
                  vocab_size: int | None = None, sp_vocab: int = 300, corpus: Iterable[str] | None = None,
                  seed: int = 7, version: str = "0.1-test", compress: bool = True) -> Path:
    """Write ``out`` (a .argosmodel zip) holding a real, randomly initialised Argos package."""
    names = {"fr": "French", "en": "English"}
    out = Path(out)
    lines = list(corpus) if corpus is not None else FIXTURE_TEXT.splitlines()
    sp_model = train_sentencepiece(lines, sp_vocab)
    vocab = _vocabulary(sp_model, vocab_size)
    spec = _transformer(vocab, layers, d_model, heads, ffn, seed)
    folder = f"translate-{from_code}_{to_code}-test"
    metadata = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": names.get(from_code, from_code),
        "to_code": to_code,
        "to_name": names.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as zf:
            zf.writestr(f"{folder}/metadata.json", json.dumps(metadata, indent=2))
            zf.writestr(f"{folder}/sentencepiece.model", sp_model)
            zf.writestr(f"{folder}/README.md", "Untrained test package built by tests/argos_tiny.py.\n")
            for f in sorted(model_dir.iterdir()):
                zf.write(f, f"{folder}/model/{f.name}")
    return out


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    print(build_package(sys.argv[1] if len(sys.argv) > 1 else "translate-fr_en-test.argosmodel"))
