"""The agenda item under which each paragraph of a report was discussed.

A report follows its agenda: a chapter or section per item, often titled with
the item's title, and a first paragraph that says which item the body took up
(``工作组在 2017 年 9 月 11 日和 12 日第 2 和第 3 次会议上审议了议程项目 2`` or
``…审议了题为“技术援助”的议程项目 5``; the phrases are in
``pipeline/data/deliberation_phrases.csv``). Two rules, on the heading tree of
the segmented blocks (chapter > section > subheading > unnumbered heading):

* A heading whose title is an item's title in the report's own adopted agenda
  (spacing and list punctuation aside, or nearly: 80 % alike) puts itself and
  every block under it, to the next heading of its level or above, under that
  item.
* A paragraph that says the body considered item X puts itself and the blocks
  after it under X, to the end of the innermost *numbered* heading that holds
  it (an unnumbered ``审议情况`` or ``缔约方会议采取的行动`` inside an item's chapter
  stays under the item), or until another such sentence.

The innermost rule that applies wins; a block no rule reaches has none. Only
reports (kind ``meeting_report``) are read.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from pipeline.document.extract import DocContext
from pipeline.document.extract.agenda import clean_title
from pipeline.models import Block
from pipeline.records import AgendaItemRow, ParagraphRow
from pipeline.vocab import read_rows

PHRASES_FILE = "deliberation_phrases.csv"
# How alike a heading and an agenda title must be to be the same item.
_SAME_TITLE = 0.8
_LEVELS = {"chapter": 1, "section": 2, "subheading": 3, "heading": 4}
_NUMBERED_LEVELS = 3
# The document itself: the scope outside every heading.
_DOCUMENT_LEVEL = 0


@functools.cache
def _considered_pattern() -> re.Pattern[str]:
    """``审议了`` [``题为“…”的``] ``议程项目`` 2 [(a)]; the words come from the data file."""
    words: dict[str, list[str]] = {"considered": [], "agenda_item": []}
    for row in read_rows(PHRASES_FILE):
        words[row["role"]].append(re.escape(row["phrase"]))
    verbs, items = "|".join(words["considered"]), "|".join(words["agenda_item"])
    return re.compile(
        rf"(?:{verbs})\s*(?:题为\s*[“\"][^”\"]*[”\"]\s*的\s*)?(?:{items})\s*"
        r"(?P<number>\d{1,2})(?!\d)(?:\s*[(（]\s*(?P<sub>[a-z])\s*[)）])?"
    )


def considered_item(text: str) -> str | None:
    """The canonical item (``2``, ``1.f``) a sentence says was considered, if any."""
    found = _considered_pattern().search(unicodedata.normalize("NFKC", text))
    if found is None:
        return None
    number = str(int(found["number"]))
    return f"{number}.{found['sub']}" if found["sub"] else number


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", clean_title(text)).split())


def _titled_item(text: str, titles: dict[str, str]) -> str | None:
    """The item whose title the heading is, the most alike first."""
    heading = _squash(text)
    best, best_score = None, _SAME_TITLE
    for item, title in titles.items():
        score = difflib.SequenceMatcher(None, heading, title, autojunk=False).ratio()
        if score >= best_score and (best is None or score > best_score):
            best, best_score = item, score
    return best


@dataclass(slots=True)
class _Scope:
    level: int
    item: str | None


def deliberation_items(ctx: DocContext, agenda: list[AgendaItemRow]) -> dict[int, str]:
    """Block seq → the agenda item it was discussed under, for a report."""
    if ctx.meta.kind != "meeting_report":
        return {}
    titles = {
        row.item: _squash(row.title) for row in agenda if row.agenda == "adopted" and row.title
    }
    scopes = [_Scope(_DOCUMENT_LEVEL, None)]
    items: dict[int, str] = {}
    for block in ctx.blocks:
        level = _LEVELS.get(block.kind)
        if level is not None:
            while scopes[-1].level >= level:
                scopes.pop()
            scopes.append(_Scope(level, _titled_item(block.text, titles)))
        else:
            _considered_in(block, scopes)
        item = next((scope.item for scope in reversed(scopes) if scope.item), None)
        if item is not None:
            items[block.seq] = item
    return items


def _considered_in(block: Block, scopes: list[_Scope]) -> None:
    item = considered_item(block.text)
    if item is None:
        return
    numbered = next(s for s in reversed(scopes) if s.level <= _NUMBERED_LEVELS)
    numbered.item = item


def assign_agenda_items(
    ctx: DocContext, paragraphs: list[ParagraphRow], agenda: list[AgendaItemRow]
) -> list[ParagraphRow]:
    """Fill ``agenda_item`` on a report's paragraph rows; returns ``paragraphs``."""
    items = deliberation_items(ctx, agenda)
    for row in paragraphs:
        row.agenda_item = items.get(row.seq)
    return paragraphs
