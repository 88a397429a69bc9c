"""How figures are computed and written: rounding, percentages, change, shares and money.

Owns the rounding rule of the reports (half away from zero, one decimal, from the exact ratio),
percentages with `None` where the denominator is 0, the change against a previous figure,
whole-percent shares that add up to 100, and money: amounts are kept in fen (integers) and read
from / written as yuan with at most two decimals. Pure functions, no I/O.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

from .errors import InputError

MAX_YUAN = 10**10


def round1(value: Fraction) -> float:
    """Half away from zero to one decimal, from the exact ratio (−18.65 → −18.7)."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        rounded = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(rounded) or 0.0  # never −0.0


def pct(part: int, whole: int) -> float | None:
    """part / whole × 100, rounded; None where the denominator is 0."""
    return None if whole == 0 else round1(Fraction(part * 100, whole))


def change_pct(now: int, before: int) -> float | None:
    """(now − before) / before × 100, rounded; None where there is nothing to compare with."""
    return None if before == 0 else round1(Fraction((now - before) * 100, before))


def num(value: float | None) -> str:
    """A rounded figure in prose: 18.6, 29 (a trailing .0 dropped), — for none."""
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0")


def integer_shares(counts: list[int]) -> list[int]:
    """Whole-percent shares that add up to 100 (largest remainder), as a summary prints them."""
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    shares = [int(c * 100 // total) for c in counts]
    remainders = sorted(
        range(len(counts)), key=lambda i: (-(counts[i] * 100 % total), -counts[i], i)
    )
    for i in remainders[: 100 - sum(shares)]:
        shares[i] += 1
    assert sum(shares) == 100
    return shares


# --- money ------------------------------------------------------------------------------------
def parse_yuan(text: str, *, what: str = "帮扶金额") -> int:
    """Yuan as typed (at most 2 decimals, thousands separators and a trailing 元 allowed) → fen,
    exactly."""
    raw = text.strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"{what}“{text}”不是数字（单位：元，最多两位小数）。") from None
    if not amount.is_finite() or amount < 0:
        raise InputError(f"{what}“{text}”必须是非负数。")
    # Checked before quantize, which raises on exponents beyond the context's precision.
    if amount > MAX_YUAN:
        raise InputError(f"{what}“{text}”过大。")
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(f"{what}“{text}”最多两位小数（分）。")
    return int(amount * 100)


def format_yuan(fen: int | None) -> str:
    """Fen → yuan with two decimals (12345 → "123.45"); "" for none."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan(fen: int) -> float:
    """Fen → yuan as a JSON number (exact: a float prints a two-decimal amount as written)."""
    return float(Decimal(fen) / 100)


def money(value: float) -> str:
    """Yuan with thousands separators and two decimals, as a table prints them: 120,000.00."""
    return f"{Decimal(str(value)):,.2f}"
