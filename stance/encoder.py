"""Sentence embeddings from the shipped all-MiniLM-L6-v2 graph, on CPU, without torch.

The ONNX graph in ``stance/data/encoder`` (exported once by
``scripts/export_encoder.py``) pools and L2-normalises inside itself, so running it
needs only ``onnxruntime`` and the model's WordPiece tokenizer from ``tokenizers``;
nothing is ever downloaded. Every file is checked against the SHA-256 in the
manifest before the session is made, so a corrupt or swapped model is refused.

Encoding is the costly step of a run, so sentences are sorted by length and each
batch padded only to its longest, and every distinct text is encoded once per
process: evaluation folds and learning curves see the same sentences many times.
The int8 graph encodes one sentence at a time (see :meth:`SentenceEncoder.encode`),
too little work to share between cores, so it runs one sentence per core at once
instead: ONNX Runtime's ``Run`` is safe to call from several threads on one session,
and it releases the GIL while it computes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from stance.errors import ModelFileError, UsageError

MANIFEST = "encoder.json"
CACHE_SIZE = 200_000
"""Vectors kept per encoder: 200,000 × 384 float32 is about 300 MB at most."""


def shipped_folder() -> Path:
    """The encoder folder installed with the package."""
    return Path(str(files("stance") / "data" / "encoder"))


def default_threads() -> int:
    """``STANCE_THREADS`` if set, else the cores up to 4 (more gain little on small batches)."""
    value = os.environ.get("STANCE_THREADS", "").strip()
    if value:
        try:
            threads = int(value)
        except ValueError:
            threads = 0
        if threads < 1:
            raise UsageError(f"STANCE_THREADS={value!r} is not a positive whole number")
        return threads
    return max(1, min(os.cpu_count() or 1, 4))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path | str) -> dict:
    """The encoder's manifest, refused if missing or not the expected shape."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError("no encoder manifest in this folder", path=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"unreadable encoder manifest ({type(exc).__name__})", path=path) from None
    required = {"name", "dimension", "max_length", "files"}
    if not isinstance(manifest, dict) or not required <= manifest.keys() or "model.onnx" not in manifest["files"]:
        raise ModelFileError(f"encoder manifest lacks one of {sorted(required)} or files.model.onnx", path=path)
    return manifest


def verify(folder: Path | str) -> None:
    """Check each file of the encoder folder against the SHA-256 its manifest records."""
    folder = Path(folder)
    for name, expected in read_manifest(folder)["files"].items():
        path = folder / name
        if not path.is_file():
            raise ModelFileError("missing from the encoder folder", path=path)
        if _sha256(path) != expected:
            raise ModelFileError("does not match the SHA-256 in encoder.json (corrupt or replaced)", path=path)


class SentenceEncoder:
    """Maps sentences to L2-normalised 384-dimensional vectors; loaded lazily, cheap to construct."""

    def __init__(self, folder: Path | None = None, threads: int | None = None):
        self.folder = Path(folder) if folder is not None else shipped_folder()
        self.threads = threads
        manifest = read_manifest(self.folder)
        self.name: str = manifest["name"]
        self.sha256: str = manifest["files"]["model.onnx"]
        self.dimension: int = int(manifest["dimension"])
        self.max_length: int = int(manifest["max_length"])
        self.quantised: bool = "int8" in str(manifest.get("quantisation", ""))
        self._session = None
        self._tokenizer = None
        self._parallel = 1
        """Batches run at once: one per thread for the int8 graph, else one using every thread."""
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __repr__(self) -> str:
        return f"SentenceEncoder(name={self.name!r}, folder={str(self.folder)!r})"

    def _load(self) -> None:
        """Verify the files, then make the tokenizer and the onnxruntime session (first encode only)."""
        verify(self.folder)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=self.max_length)
        tokenizer.no_padding()  # each batch is padded by _run, to its own longest sentence
        threads = self.threads or default_threads()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if self.quantised else threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers would only confuse a user
        try:
            session = ort.InferenceSession(
                str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own kinds on an unreadable graph
            raise ModelFileError(f"onnxruntime cannot load it ({type(exc).__name__})", path=self.folder / "model.onnx") from None
        self._tokenizer, self._session = tokenizer, session
        self._parallel = threads if self.quantised else 1

    def _run(self, ids: list[list[int]]) -> np.ndarray:
        """One forward pass over sentences of word-piece ids, right-padded with [PAD] (id 0)."""
        width = max(len(row) for row in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, row in enumerate(ids):
            input_ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        (vectors,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return vectors.astype(np.float32, copy=False)

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Vectors of ``texts`` in their order, one row each; texts seen before come from the cache.

        An int8 graph quantises its activations with one scale per batch, so a sentence's
        vector would depend on the sentences beside it: it is then encoded alone (still
        about twice the fp32 graph's speed), and a sentence gets the same vector in any
        file, any fold and any report. An fp32 graph batches (32 by default).
        """
        if batch_size is None:
            batch_size = 1 if self.quantised else 32
        fresh = self._encode_new([text for text in dict.fromkeys(texts) if text not in self._cache], batch_size)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            vector = fresh.get(text)
            if vector is None:
                vector = self._cache[text]
                self._cache.move_to_end(text)
            out[row] = vector
        for text, vector in fresh.items():
            self._cache[text] = vector
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out

    def _encode_new(self, texts: list[str], batch_size: int) -> dict[str, np.ndarray]:
        """Distinct texts encoded in batches of similar length, so padding costs little."""
        if not texts:
            return {}
        if self._session is None:
            self._load()
        ids = [encoding.ids for encoding in self._tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]

        def run(batch: list[int]) -> np.ndarray:
            return self._run([ids[i] for i in batch])

        if self._parallel > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self._parallel) as pool:
                results = list(pool.map(run, batches))
        else:
            results = [run(batch) for batch in batches]
        fresh: dict[str, np.ndarray] = {}
        for batch, vectors in zip(batches, results):
            for i, vector in zip(batch, vectors):
                fresh[texts[i]] = vector.copy()
        return fresh


@cache
def shipped_encoder() -> SentenceEncoder:
    """The encoder installed with the package, one per process so its cache is shared."""
    return SentenceEncoder()
