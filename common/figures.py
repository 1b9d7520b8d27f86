"""Percentages as councils report them: whole numbers rounded half away from zero, always with the
numerator and denominator ("72% (13 of 18)"), and a Wilson 95% interval for small samples."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SMALL_SAMPLE = 30  # below this many cases the interval is shown (DOMAIN.md)
Z_95 = 1.959963984540054


def round_half_away(value: float | Decimal) -> int:
    """62.5 -> 63 and -62.5 -> -63, as spreadsheets round; Python's round() would give 62."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def wilson_interval(successes: float, total: int, z: float = Z_95) -> tuple[float, float]:
    if total <= 0:
        raise ValueError("total must be positive")
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def number(value: float) -> str:
    """A count as shown beside a figure: 13 as "13" (not "13.0"), a half point as "12.5"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


NO_CASES = "No cases (0 of 0)"


@dataclass(frozen=True)
class Figure:
    numerator: float
    denominator: int

    @property
    def percent(self) -> int | None:
        if not self.denominator:
            return None
        return round_half_away(Decimal(str(self.numerator)) * 100 / self.denominator)

    @property
    def interval(self) -> tuple[int, int] | None:
        """The Wilson 95% interval in whole percent, only where the sample is under 30."""
        if not self.denominator or self.denominator >= SMALL_SAMPLE:
            return None
        low, high = wilson_interval(self.numerator, self.denominator)
        return round_half_away(low * 100), round_half_away(high * 100)

    @property
    def interval_text(self) -> str:
        """ "95% interval 40 to 89%", or "" where no interval is shown."""
        if not self.interval:
            return ""
        low, high = self.interval
        return f"95% interval {low} to {high}%"

    def __str__(self) -> str:
        if not self.denominator:
            return NO_CASES
        return f"{self.percent}% ({number(self.numerator)} of {self.denominator})"


def pairs_text(pairs: int) -> str:
    return f"{pairs} pair" if pairs == 1 else f"{pairs} pairs"


def two_places(value: float) -> str:
    """A coefficient to two decimal places, rounded half away from zero: 0.625 -> "0.63", -0.625 -> "-0.63"."""
    rounded = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{rounded + 0:.2f}"  # + 0 turns -0.00 into 0.00


@dataclass(frozen=True)
class Kappa:
    """A kappa coefficient over `pairs` paired ratings, with its 95% interval; `value` is None where kappa is not
    defined, and `reason` then says why in words that follow "kappa not defined: "."""

    pairs: int
    value: float | None = None
    standard_error: float | None = None
    low: float | None = None
    high: float | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.value is None:
            return f"kappa not defined: {self.reason} ({pairs_text(self.pairs)})"
        interval = ""
        if self.low is not None and self.high is not None:
            interval = f"{two_places(self.low)} to {two_places(self.high)}, "
        return f"kappa {two_places(self.value)} ({interval}{pairs_text(self.pairs)})"


def agreement_text(agreed: int, pairs: int) -> str:
    """ "agreement 83% (20 of 24 pairs)": the share of pairs where both answers were the same."""
    if not pairs:
        return "agreement not defined: no pairs to compare"
    percent = round_half_away(Decimal(agreed) * 100 / pairs)
    return f"agreement {percent}% ({agreed} of {pairs_text(pairs)})"
