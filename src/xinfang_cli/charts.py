"""Charts of the year-end summary drawn as PNG images with matplotlib (imported only here, only
when a chart is drawn): cases by month this year against last, and the shares of the groups and
categories. The numbers come from the annual report's JSON dict, never from a query of their own.

Chinese labels need a CJK font: the first one matplotlib knows (Noto Sans CJK, Source Han,
WenQuanYi, SimHei, Microsoft YaHei, PingFang …) is used; without one the charts are still drawn
and `cjk_font()` returns None so the caller can warn.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

# Preferred first; any family whose name holds one of the MARKS is taken after these.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)
MARKS = ("CJK", "Han Sans", "Han Serif", "WenQuanYi", "Hei", "Song", "Kai", "Ming", "YaHei")

_font: list[str | None] = []  # looked up once per process


def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs that matplotlib can use, or None."""
    if not _font:
        from matplotlib import font_manager

        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in PREFERRED if n in names), None)
        if found is None:
            found = next((n for n in sorted(names) if any(m in n for m in MARKS)), None)
        _font.append(found)
    return _font[0]


def _figure(width: float, height: float, **layout: Any) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib import pyplot as plt

    font = cjk_font()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    plt.rcParams["font.family"] = families
    plt.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212
    fig, axes = plt.subplots(figsize=(width, height), dpi=150, **layout)
    return fig, axes


def _png(fig: Any) -> bytes:
    from matplotlib import pyplot as plt

    buffer = io.BytesIO()
    # Without a CJK font matplotlib warns once per missing glyph; the caller says it in one line.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.tight_layout()
        fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def monthly_chart(r: dict[str, Any]) -> bytes:
    """Bars: cases received in each month of the year, beside the same month of the year before."""
    year = r["year"]
    months = r["by_month"]
    fig, ax = _figure(6.4, 3.0)
    xs = list(range(len(months)))
    width = 0.4
    now = [m["count"] for m in months]
    before = [m["previous"] for m in months]
    ax.bar([x - width / 2 for x in xs], before, width, label=f"{year - 1}年", color="#A6A6A6")
    bars = ax.bar([x + width / 2 for x in xs], now, width, label=f"{year}年", color="#2F5597")
    ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xticks(xs, [f"{int(m['month'][5:])}月" for m in months])
    ax.set_ylabel("件次")
    ax.set_title(f"{year}年与{year - 1}年各月收到信访事项", fontsize=11)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def share_chart(r: dict[str, Any]) -> bytes:
    """Left: the groups' shares (a ring); right: the categories by count (horizontal bars)."""
    fig, (ring, bars) = _figure(6.4, 3.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.4]})
    groups = [g for g in r["by_group"] if g["count"]]
    colours = ["#2F5597", "#C55A11", "#548235", "#7F6000", "#7030A0", "#A6A6A6"]
    if groups:
        ring.pie(
            [g["count"] for g in groups],
            labels=[f"{g['name']}\n{g['pct']:.1f}%" for g in groups],
            colors=colours[: len(groups)],
            startangle=90,
            counterclock=False,
            wedgeprops={"width": 0.45, "edgecolor": "white"},
            textprops={"fontsize": 8},
        )
    ring.set_title("各分组占比", fontsize=10)
    categories = [c for c in r["by_category"] if c["count"]][::-1]
    names = [c["name"] for c in categories]
    counts = [c["count"] for c in categories]
    shown = bars.barh(names, counts, color="#2F5597")
    bars.bar_label(shown, fontsize=7, padding=2)
    bars.tick_params(axis="y", labelsize=7)
    bars.tick_params(axis="x", labelsize=7)
    bars.set_xlabel("件次", fontsize=8)
    bars.set_title("各类别件次", fontsize=10)
    bars.spines[["top", "right"]].set_visible(False)
    return _png(fig)
