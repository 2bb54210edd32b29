"""The gradebook's figures, drawn with matplotlib's Agg canvas (no display).

``cohort_figures`` is what the notebook's plot cell runs: its source is copied
into the notebook, so the notebook re-runs anywhere matplotlib is installed,
without the kit.
"""

from __future__ import annotations

from typing import Any


def cohort_figures(rows: list[dict[str, Any]]) -> list[bytes]:
    """PNG images of the cohort: time to mitigate, rollback modes, hints against
    score, time to acknowledge. Rows with an error or an untrusted journal are left out."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    trusted = [r for r in rows if r.get("error") is None and r.get("journal_intact")]

    def png(fig: Figure) -> bytes:
        FigureCanvasAgg(fig)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=96)
        return out.getvalue()

    def seconds(ax: Any, key: str, title: str) -> None:
        timed = sorted(((r[key], r["learner"]) for r in trusted if r.get(key) is not None),
                       reverse=True)
        if timed:
            ax.barh([who for _, who in timed], [s for s, _ in timed], color="#bf360c")
        else:
            ax.text(0.5, 0.5, "no learner got this far", ha="center", va="center",
                    transform=ax.transAxes)
        ax.set_title(title)
        ax.set_xlabel("seconds from the impact")

    images = []
    fig = Figure(figsize=(7, 3.5))
    seconds(fig.add_subplot(), "mitigate_s", "time to mitigate (MTTR), per learner")
    images.append(png(fig))

    fig = Figure(figsize=(5, 3.2))
    ax = fig.add_subplot()
    modes = ["flip", "rebuild", "none"]
    counts = [sum(1 for r in trusted if (r.get("rollback_mode") or "none") == m) for m in modes]
    ax.bar(modes, counts, color=["#00695c", "#bf360c", "#757575"])
    ax.set_title("rollback modes")
    ax.set_ylabel("learners")
    images.append(png(fig))

    fig = Figure(figsize=(5, 3.5))
    ax = fig.add_subplot()
    scored = [r for r in trusted if r.get("score") is not None]
    ax.scatter([r.get("hints_used") or 0 for r in scored], [r["score"] for r in scored],
               color="#bf360c")
    for r in scored:
        ax.annotate(r["learner"], (r.get("hints_used") or 0, r["score"]),
                    textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_title("hints used against score")
    ax.set_xlabel("hints used")
    ax.set_ylabel("score")
    images.append(png(fig))

    fig = Figure(figsize=(7, 3.5))
    seconds(fig.add_subplot(), "acknowledge_s", "time to acknowledge (first action)")
    images.append(png(fig))
    return images
