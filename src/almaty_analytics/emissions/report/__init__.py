"""What report 30 shows, in the reader's language: the values of its paragraphs, its display-ready frames and its charts' arguments.

``EmissionsReport(fc, params, t)`` reads the results of ``emissions.results`` (``fc``), the run's resolved
parameters and the language's labels (``i18n.Text``) and computes nothing new: it picks, formats and
arranges what the forecast computed. Every method returns either the keyword values of one catalogue
paragraph (``page.text(key, **values)``), a frame whose columns are table names or years (``page.table``
translates the headers), or the keyword arguments of one chart function of ``plots``. The answer table is a
frame of formatted cells; its headers are catalogue labels with the year and target filled in
(``answer_headers``). Verdicts (meets / misses, too narrow / close to nominal) are decided here.

The content is in parts by concern, each a class over ``base.ReportBase``: ``answer`` (the answer, scenarios, tornado,
pollutants, sources, wedges, target arithmetic), ``evidence`` (backtest, history, reconciliation) and ``method``
(measures, fleet, delivery, assumptions, timing, data sources).
"""

from __future__ import annotations

from .answer import AnswerPart
from .evidence import EvidencePart
from .method import MethodPart

__all__ = ["EmissionsReport"]


class EmissionsReport(AnswerPart, EvidencePart, MethodPart):
    """Report 30's content for one run: ``EmissionsReport(emissions.results(params), params, i18n.Text(language))``."""
