"""Evaluation results -> a terminal table, a markdown report and a PNG chart."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from qa.evaluate import ANSWER_METRICS, METRICS, Result


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def table(results: Sequence[Result]) -> list[list[str]]:
    """Retrieval metrics, then the answer-level ones when any result has them."""
    metrics = METRICS + [m for m in ANSWER_METRICS if any(r.metrics.get(m) is not None for r in results)]
    header = ["dataset", "retriever", *metrics, "p50 ms", "p95 ms", "build s"]
    rows = [header]
    for r in results:
        rows.append([r.dataset, r.retriever, *(_fmt(r.metrics.get(m)) for m in metrics),
                     f"{r.latency_ms['p50']:.0f}", f"{r.latency_ms['p95']:.0f}", f"{r.build_seconds:.0f}"])
    return rows


def text_table(results: Sequence[Result]) -> str:
    rows = table(results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(results: Sequence[Result]) -> str:
    rows = table(results)
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(out)


def chart(results: Sequence[Result], path: Path, metric: str = "RR@10") -> Path:
    """Grouped bars: one group per dataset, one bar per retriever."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = list(dict.fromkeys(r.dataset for r in results))
    retrievers = list(dict.fromkeys(r.retriever for r in results))
    width = 0.8 / max(len(retrievers), 1)
    fig, ax = plt.subplots(figsize=(max(5, 1.8 * len(datasets) + 2), 3.6), dpi=120)
    for j, name in enumerate(retrievers):
        values = [next((r.metrics.get(metric) or 0.0 for r in results if r.dataset == d and r.retriever == name), 0.0)
                  for d in datasets]
        bars = ax.bar([i + j * width for i in range(len(datasets))], values, width, label=name)
        ax.bar_label(bars, fmt="%.3f", fontsize=7, padding=1)
    ax.set_xticks([i + width * (len(retrievers) - 1) / 2 for i in range(len(datasets))], datasets)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} by dataset and retriever")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_report(results: Sequence[Result], folder: Path | str, max_failures: int = 50) -> Path:
    """``report.md`` with the table, ``chart.png`` and, per run, the questions whose gold was missed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    chart(results, folder / "chart.png")
    lines = ["# Retrieval evaluation", "", markdown_table(results), "", "![RR@10 by dataset and retriever](chart.png)", "",
             "Document-level metrics (ir-measures) score a document by its best chunk. AnswerRecall@k: share of "
             "questions whose top-k chunks contain a gold answer after normalization. AnswerAccuracy: answered, "
             "and the answer sentence contains a gold answer; SpanAccuracy: the answer span contains it (questions "
             "asking for a figure, date, person, place or name); CitationPrecision: citation [1] contains it; "
             "RefusalRate: answerable questions refused; FalseAnswerRate: unanswerable questions answered; "
             "HeldOutAnswerRate: questions asked with their gold passages hidden that were answered anyway.", ""]
    for r in results:
        lines += [f"## Failures: {r.dataset} · {r.retriever} ({len(r.failures)} of {r.queries})", ""]
        if not r.failures:
            lines += ["None: every question found its gold document in the top 10 and was answered as expected.", ""]
            continue
        lines += ["| query | question | gold | retrieved (top 5) or answer |", "|---|---|---|---|"]
        for f in r.failures[:max_failures]:
            q = f["question"].replace("|", "\\|")
            got = ", ".join(f["retrieved"]) if "retrieved" in f else f"{f['kind']}: {f['answer'][:80]}".replace("|", "\\|")
            lines.append(f"| {f['query_id']} | {q} | {', '.join(f['gold'])} | {got} |")
        if len(r.failures) > max_failures:
            lines.append(f"| … | {len(r.failures) - max_failures} more in the JSON output | | |")
        lines.append("")
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
