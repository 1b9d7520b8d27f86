"""Agreement between two scorers of the same case questions: percent agreement, Cohen's kappa and weighted kappa.

Pure arithmetic over paired answers (the first scorer's value, the second's); no database. The kappas and
their standard errors are statsmodels' (``cohens_kappa``, the large-sample standard error of Fleiss, Cohen &
Everitt 1969, as SAS PROC FREQ reports it); this module decides which pairs count and when kappa is not defined.

Which pairs count:

- A pair where either answer is blank (not answered) is left out of every figure: there is nothing to compare.
- Every other pair counts in ``pairs``, in percent agreement and in Cohen's (unweighted) kappa, with Not
  applicable as a category of its own: both scorers saying Not applicable agree, and one saying Not applicable
  where the other said Yes, Partly or No disagree. (Leaving those out would hide a real disagreement about
  whether the question applied to the case, and flatter the agreement.)
- The weighted kappa counts only the pairs where both answers are on the ordered scale Yes > Partly > No,
  with linear weights: Yes against Partly is half a disagreement, Yes against No a whole one. Not applicable
  has no place on that scale, so a pair with Not applicable in either answer is left out of it; its own
  ``pairs`` says how many it used.

Kappa is not defined (``value`` None, with a reason, never a made-up number) where there are fewer than two
pairs, or where every answer from both scorers is in the same category: chance agreement is then certain and
kappa's denominator is zero.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from audits.models import Answer
from common.figures import Z_95, Kappa, agreement_text

ORDERED_SCALE: tuple[str, ...] = (Answer.Value.YES, Answer.Value.PARTLY, Answer.Value.NO)
CATEGORIES: tuple[str, ...] = (*ORDERED_SCALE, Answer.Value.NOT_APPLICABLE)
LABELS = dict(Answer.Value.choices)


@dataclass(frozen=True)
class Agreement:
    pairs: int  # pairs where both scorers gave an answer
    agreed: int  # of those, pairs with the same answer
    kappa: Kappa  # Cohen's kappa over all `pairs`, Not applicable a category of its own
    weighted_kappa: Kappa  # linear-weighted kappa over the pairs both on Yes > Partly > No

    @property
    def percent_text(self) -> str:
        return agreement_text(self.agreed, self.pairs)

    def __str__(self) -> str:
        return str(self.kappa)


def agreement(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """The agreement between the first and second answers of each pair (Answer.Value values, or "")."""
    answered = [(first, second) for first, second in pairs if first and second]
    unknown = {value for pair in answered for value in pair} - set(CATEGORIES)
    if unknown:
        raise ValueError(f"Not an answer value: {', '.join(sorted(unknown))}")
    ordered = [
        (first, second) for first, second in answered if first in ORDERED_SCALE and second in ORDERED_SCALE
    ]
    return Agreement(
        pairs=len(answered),
        agreed=sum(first == second for first, second in answered),
        kappa=kappa(answered, CATEGORIES),
        weighted_kappa=kappa(ordered, ORDERED_SCALE, weighted=True),
    )


def kappa(pairs: list[tuple[str, str]], categories: tuple[str, ...], *, weighted: bool = False) -> Kappa:
    """Cohen's kappa of `pairs` over `categories` (in scale order, for the linear weights of a weighted kappa)."""
    n = len(pairs)
    if n < 2:
        return Kappa(pairs=n, reason="fewer than 2 pairs")
    used = {value for pair in pairs for value in pair}
    if len(used) == 1:
        (only,) = used
        return Kappa(pairs=n, reason=f"every answer was {LABELS.get(only, only)}")
    index = {category: position for position, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for first, second in pairs:
        table[index[first], index[second]] += 1
    # Linear weights over the scale positions 0, 1, 2 (statsmodels' wt="linear": |i - j| / (k - 1)).
    # statsmodels also works out a z test under "no agreement" (unused here), whose variance can come out
    # below zero on small tables: its square root is nan, with a warning. The interval uses var_kappa only.
    # Imported here, not at the top: statsmodels brings scipy.stats with it, 1.5 s of every process's start
    # (each gunicorn and Celery worker, each manage.py command), for a figure few requests work out.
    from statsmodels.stats.inter_rater import cohens_kappa

    with np.errstate(invalid="ignore", divide="ignore"):
        result = cohens_kappa(table, wt="linear") if weighted else cohens_kappa(table)
    variance = float(result["var_kappa"])
    standard_error = float(np.sqrt(variance)) if variance > 0 else 0.0  # nan or below zero: none
    value = float(result["kappa"])
    # The asymptotic interval can run past 1 (or -1); kappa cannot, so the interval stops there.
    low = max(-1.0, value - Z_95 * standard_error)
    high = min(1.0, value + Z_95 * standard_error)
    return Kappa(pairs=n, value=value, standard_error=standard_error, low=low, high=high)


def is_poor(measure: Agreement) -> bool:
    """Cohen's kappa is below settings.AGREEMENT_POOR_BELOW. Not where kappa is not defined: too few pairs say
    nothing, and every answer in one category is complete agreement."""
    value = measure.kappa.value
    return value is not None and value < settings.AGREEMENT_POOR_BELOW
