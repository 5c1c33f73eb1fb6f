"""Segmentation: headings, the numbered paragraph sequence, nested items, sections."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document.clean import clean_document
from pipeline.document.read import read_document
from pipeline.document.segment import main_sequence, segment
from tests.conftest import AGENDA_WG4, REPORT_COP6, REPORT_WG7, build_context


def _numbered(path):
    return [b for b in build_context(path).blocks if b.kind == "paragraph"]


def test_report_wg7_has_paragraphs_1_to_32() -> None:
    paragraphs = _numbered(REPORT_WG7)
    assert [b.number for b in paragraphs] == list(range(1, 33))


def test_report_cop6_has_paragraphs_1_to_127() -> None:
    paragraphs = _numbered(REPORT_COP6)
    assert [b.number for b in paragraphs] == list(range(1, 128))


def test_a_paragraph_broken_by_a_page_is_whole() -> None:
    by_number = {b.number: b for b in _numbered(REPORT_WG7)}
    assert by_number[8].text.startswith("许多发言者提到缔约方会议第 8/2 号决议")
    assert "用以审议《偷运移民议定书》实施情况。在这方面" in by_number[8].text
    assert by_number[16].text == (
        "工作组主席 Francesco Testa（意大利）宣布会议开幕。他向会议作了讲话，"
        "并对工作组的任务授权、目标和所审议的主题作了概述。"
    )
    assert "纳米比亚、新西兰、尼日利亚、挪威、阿曼" in by_number[24].text


def test_a_paragraph_around_a_footnote_block_is_whole() -> None:
    by_number = {b.number: b for b in _numbered(REPORT_COP6)}
    paragraph = by_number[46]
    assert paragraph.text == (
        "几位发言者报告了本国为打击人口贩运采取的措施，包括批准《联合国打击跨国有组织犯罪公约"
        "关于预防、禁止和惩治贩运人口特别是妇女和儿童行为的补充议定书》，以及通过或修正国内立法。"
        "采取的其他行动包括通过国家行动计划、建立国家协调和信息收集机制、采取措施对贩运活动受害人"
        "不追究刑事责任并加强对他们的保护和援助、采取措施扣押和追回资产、开展提高认识活动并拟订"
        "双边和区域协定。一些发言者宣布本国已采取“蓝心”行动，并表示支持联合国贩运人口特别是妇女"
        "和儿童行为受害人自愿信托基金。"
    )
    assert paragraph.footnote_refs == [25]
    assert (paragraph.line_start, paragraph.line_end) == (1215, 1230)
    assert (
        by_number[39].text == "缔约方会议未能建立《有组织犯罪公约》及其各项议定书实施情况审议机制。"
    )
    assert by_number[127].text == (
        "缔约方会议在第 10 次会议上通过了经口头修正的其第六届会议的报告"
        "（CTOC/COP/2012/L.1 和 Add.1-9）。"
    )


def test_no_furniture_or_footnote_text_inside_paragraphs() -> None:
    for block in build_context(REPORT_COP6).blocks:
        assert "V.12-57117" not in block.text
        assert "条约汇编" not in block.text or "《条约汇编》" not in block.text[:10]
        assert "____" not in block.text


def test_sections_follow_the_headings() -> None:
    blocks = build_context(REPORT_WG7).blocks
    headings = [(b.kind, b.section, b.text) for b in blocks if b.kind in ("chapter", "section")]
    assert headings[:4] == [
        ("chapter", "I", "导言"),
        ("chapter", "II", "建议"),
        ("section", "II.A", "关于特定议题的建议"),
        ("section", "II.B", "一般性建议"),
    ]
    labels = [b for b in blocks if b.kind == "label"]
    assert [b.label_value for b in labels] == [str(n) for n in range(1, 16)]
    assert labels[0].section == "II.A.1"
    assert labels[12].section == "II.A.2"
    assert labels[14].section == "II.B"
    by_number = {b.number: b for b in blocks if b.kind == "paragraph"}
    assert by_number[24].section == "IV.D"
    assert by_number[24].heading == "出席情况"


def test_nested_lists_are_items_not_paragraphs() -> None:
    blocks = build_context(REPORT_COP6).blocks
    # Operative paragraphs of resolution 6/1 restart at 1 inside paragraph 1.
    first_resolution = [b for b in blocks if b.kind == "item" and b.line_start < 268]
    assert [b.label_value for b in first_resolution] == [str(n) for n in range(1, 22)]
    sub = [b for b in blocks if b.kind == "subsubitem" and 679 < b.line_start < 731]
    assert [b.label_value for b in sub] == [
        "i",
        "ii",
        "iii",
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "i",
        "ii",
    ]


def test_agenda_headings_and_items() -> None:
    blocks = build_context(AGENDA_WG4).blocks
    texts = [(b.kind, b.text) for b in blocks[:8]]
    assert texts[0] == ("heading", "贩运人口问题工作组")
    assert ("heading", "临时议程") in texts
    assert ("paragraph", "组织事项：") in texts
    assert ("subitem", "会议开幕；") in texts


def test_unspaced_digits_and_unindented_paragraphs(context_from_text) -> None:
    text = "\n".join(
        [
            "一.导言",
            "1.枪支问题工作组第五次会议于2031年5月3日至5日在维也纳举行。会议期间共举行",
            "了四次会议，审议了议程所列各项目，并就今后的工作方向交换了意见和看法。",
            "2.缔约方会议在第12/3号决议中请工作组继续履行其任务授权，并向缔约方会议第",
            "十五届会议提交关于其工作的报告，其中应包括关于今后工作的建议和提议。",
            "3.工作组收到下列文件：",
            "(a)临时议程说明（CTOC/COP/WG.6/2031/1）；",
            "(b)秘书处编写的关于加强国际合作打击非法制造和贩运枪支的背景文件（CTOC/COP/",
            "WG.6/2031/2）。",
            "二.通过报告",
            "4.工作组于2031年5月5日通过了本报告。",
        ]
    )
    blocks = context_from_text(text, "CTOC_COP_WG.6_2031_4.zh.txt").blocks
    assert [(b.kind, b.section, b.number) for b in blocks] == [
        ("chapter", "I", None),
        ("paragraph", "I", 1),
        ("paragraph", "I", 2),
        ("paragraph", "I", 3),
        ("subitem", "I", None),
        ("subitem", "I", None),
        ("chapter", "II", None),
        ("paragraph", "II", 4),
    ]
    assert blocks[1].text == (
        "枪支问题工作组第五次会议于2031年5月3日至5日在维也纳举行。会议期间共举行了四次会议，"
        "审议了议程所列各项目，并就今后的工作方向交换了意见和看法。"
    )
    assert (
        blocks[5].text
        == "秘书处编写的关于加强国际合作打击非法制造和贩运枪支的背景文件（CTOC/COP/WG.6/2031/2）。"
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=25),
    st.lists(st.tuples(st.integers(0, 24), st.integers(1, 6)), max_size=4),
)
def test_main_sequence_survives_nested_lists(length: int, nested: list[tuple[int, int]]) -> None:
    """Top-level paragraphs 1..n at indent 0 with nested lists 1..k (indented) inside."""
    candidates: list[tuple[int, int, float, int]] = []
    top: set[int] = set()
    index = 0
    for number in range(1, length + 1):
        candidates.append((index, number, 0.0, 120))
        top.add(index)
        index += 1
        for after, size in nested:
            if after == number:
                for item in range(1, size + 1):
                    candidates.append((index, item, 1.0, 60))
                    index += 1
    assert main_sequence(candidates) == top


def test_a_paragraph_number_glued_to_a_figure(context_from_text) -> None:
    text = "\n".join(
        [
            "一.出席情况",
            "8.108个《公约》缔约国派代表出席了会议。会议期间共举行了十次全体会议，并就各",
            "项议程进行了讨论和审议，各方代表积极参加了讨论并发表了意见和看法。",
            "9.12个《枪支议定书》缔约国派代表出席了会议，并在议程项目2下作了发言，涉及",
            "2.5万件枪支的追查情况以及相关的国际合作和信息交流问题，与会者对此表示关注。",
        ]
    )
    blocks = context_from_text(text, "CTOC_COP_WG.6_2031_4.zh.txt").blocks
    assert [(b.kind, b.label) for b in blocks] == [
        ("chapter", "一."),
        ("item", "8."),
        ("item", "9."),
    ]
    assert blocks[2].text.startswith("12个《枪支议定书》缔约国派代表出席了会议")
    assert "涉及2.5万件枪支" in blocks[2].text


def _wrap(text: str, width: int = 30, stray: tuple[int, ...] = ()) -> list[str]:
    """``text`` hard-wrapped at ``width`` full-width characters (ASCII counts
    half), the way text extraction gives a PDF; the lines numbered in ``stray``
    get a stray leading space."""
    lines = [""]
    for char in text:
        used = sum(0.5 if c.isascii() else 1.0 for c in lines[-1])
        if used + (0.5 if char.isascii() else 1.0) > width:
            lines.append("")
        lines[-1] += char
    return [(" " + line if index in stray else line) for index, line in enumerate(lines)]


_STATES = (
    "以下缔约国的代表作了发言：阿尔及利亚、阿根廷、奥地利、巴西、智利、中国、克罗地亚、"
    "古巴、塞浦路斯、埃及、法国、德国、意大利、墨西哥、荷兰、挪威、秘鲁、南非、西班牙、"
    "瑞士和土耳其。"
)
_SECOND = (
    "工作组审议了议程项目2，题为“技术援助”。秘书处一名代表作了介绍性发言，概述了"
    "秘书处自工作组上次会议以来开展的活动。"
)


def test_a_continuation_line_may_start_with_a_space_anywhere(context_from_text) -> None:
    # The list of states goes on after "、" on a line with a stray space; so
    # does a line cut after a plain character.
    lines = [
        "一. 会议概要",
        *_wrap("1. " + _STATES, stray=(1, 2)),
        *_wrap("2. " + _SECOND, stray=(1,)),
    ]
    assert lines[2].startswith(" ")
    blocks = context_from_text("\n".join(lines), "CTOC_COP_WG.2_2031_4.zh.txt").blocks
    assert [(b.kind, b.number, b.text) for b in blocks] == [
        ("chapter", None, "会议概要"),
        ("paragraph", 1, _STATES),
        ("paragraph", 2, _SECOND),
    ]


def test_indentation_alone_never_starts_a_block(context_from_text) -> None:
    # A full line ending a sentence, then a line with a leading space: the
    # paragraph goes on. A short finished line ends it whatever follows.
    lines = [
        "1. 工作组在2031年5月3日第1次会议上审议了议程项目3，题为“合作”。",
        " 会议期间共举行了四次会议。许多发言者指出，非正式合作渠道对于及时",
        "执行请求至关重要。",
        "2. 工作组通过了本报告。",
    ]
    text = (
        "工作组在2031年5月3日第1次会议上审议了议程项目3，题为“合作”。会议期间共举行"
        "了四次会议。许多发言者指出，非正式合作渠道对于及时执行请求至关重要。"
    )
    blocks = context_from_text("\n".join(lines), "CTOC_COP_WG.3_2031_4.zh.txt").blocks
    assert [(b.number, b.text) for b in blocks] == [(1, text), (2, "工作组通过了本报告。")]


def test_a_paragraph_goes_on_after_page_furniture_and_footnotes(context_from_text) -> None:
    lines = _wrap("1. " + _STATES.replace("克罗地亚、", "克罗地亚1、"))
    furniture = [
        "",
        "__________________",
        "1 联合国，《条约汇编》，第2225卷，第39574号。",
        "",
        "V.31-04123 (C)",
        "*3104123*",
        "CTOC/COP/WG.2/2031/4",
        "",
        "2/9",
        "",
    ]
    text = "\n".join(
        [*lines[:2], *furniture, " " + lines[2], *lines[3:], "2. 工作组通过了本报告。"]
    )
    context = context_from_text(text, "CTOC_COP_WG.2_2031_4.zh.txt")
    assert [(b.number, b.text, b.footnote_refs) for b in context.blocks] == [
        (1, _STATES, [1]),
        (2, "工作组通过了本报告。", []),
    ]
    assert [(f.number, f.text) for f in context.clean.footnotes] == [
        (1, "联合国，《条约汇编》，第2225卷，第39574号。")
    ]


def test_a_preambular_paragraph_split_by_a_page_is_one_paragraph(context_from_text) -> None:
    first = (
        "回顾其第9/1号决议，其中缔约方会议请各缔约国加强国际合作，以便查明、冻结和没收犯罪"
        "所得，并鼓励各缔约国交流经验，"
    )
    second = "注意到秘书处编写的背景文件，"
    wrapped = _wrap(first)
    lines = [
        "第 15/2 号决议",
        "",
        "缔约方会议，",
        wrapped[0],
        "",
        "V.31-04123",
        "*3104123*",
        "CTOC/COP/2031/15",
        "",
        " " + wrapped[1],
        *wrapped[2:],
        second,
        "1. 决定继续审议这一问题。",
    ]
    blocks = context_from_text("\n".join(lines), "CTOC_COP_2031_15.zh.txt").blocks
    assert [b.text for b in blocks if b.kind == "body"] == ["缔约方会议，", first, second]


def test_a_label_with_no_space_after_it_and_full_width_digits(context_from_text) -> None:
    text = "\n".join(
        [
            "一.导言",
            "1.工作组第十次会议于2031年5月3日在维也纳举行。",
            "２．此外，秘书处编写了一份背景文件。",
            "3.工作组通过了本报告。",
        ]
    )
    blocks = context_from_text(text, "CTOC_COP_WG.3_2031_4.zh.txt").blocks
    assert [(b.kind, b.label, b.number, b.text) for b in blocks] == [
        ("chapter", "一.", None, "导言"),
        ("paragraph", "1.", 1, "工作组第十次会议于2031年5月3日在维也纳举行。"),
        # The printed text keeps its full-width comma: no NFKC on stored text.
        ("paragraph", "２．", 2, "此外，秘书处编写了一份背景文件。"),
        ("paragraph", "3.", 3, "工作组通过了本报告。"),
    ]


def test_an_indented_agenda_before_its_annotations_is_not_the_main_sequence(
    context_from_text,
) -> None:
    text = "\n".join(
        [
            "一. 临时议程",
            "  1. 组织事项。",
            "  2. 通过报告。",
            "二. 说明",
            "1. 组织事项",
            "1. 工作组会议将于2031年10月27日上午10时开幕。",
            "2. 拟议工作安排载于附件。",
            "3. 各缔约国务请提交其代表团成员名单。",
            "2. 通过报告",
            "4. 工作组将在会议最后一天通过一份报告。",
        ]
    )
    blocks = context_from_text(text, "CTOC_COP_WG.3_2031_1.zh.txt").blocks
    assert [b.number for b in blocks if b.kind == "paragraph"] == [1, 2, 3, 4]
    assert next(b.text for b in blocks if b.kind == "paragraph") == (
        "工作组会议将于2031年10月27日上午10时开幕。"
    )


def test_an_officer_list_set_with_tabs_is_a_list_not_a_table(context_from_text) -> None:
    text = "\n".join(
        [
            "1. 工作组选出下列主席团成员：",
            "主席：\tMaría Ortiz（智利）",
            "副主席：\tLerato Mokoena（南非）",
            "\tJakub Nowak（波兰）",
            "报告员：\tCamila Restrepo（哥伦比亚）",
            "2. 工作组通过了议程。",
        ]
    )
    blocks = context_from_text(text, "CTOC_COP_WG.4_2031_4.zh.txt").blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "工作组选出下列主席团成员："),
        ("body", "主席： María Ortiz（智利）"),
        ("body", "副主席： Lerato Mokoena（南非）"),
        ("body", "Jakub Nowak（波兰）"),
        ("body", "报告员： Camila Restrepo（哥伦比亚）"),
        ("paragraph", "工作组通过了议程。"),
    ]


def test_an_officer_list_read_from_a_pdf_starts_its_own_blocks(context_from_text) -> None:
    # A PDF reads the tab stop as a space; the role and its colon open the row
    # even after a full line ending in a colon.
    text = "\n".join(
        [
            "1.工作组在2031年7月13日第1次会议上以鼓掌方式选举以下人员为主席团成员：",
            "主席： Ana Lucía Ferreyra（阿根廷）",
            "副主席： Tomasz Wielgosz（波兰）",
            "Kwame Boateng-Asare（加纳）",
            "2.工作组通过了议程。",
        ]
    )
    blocks = context_from_text(text, "CTOC_COP_WG.7_2031_3.zh.txt").blocks
    assert [b.text for b in blocks] == [
        "工作组在2031年7月13日第1次会议上以鼓掌方式选举以下人员为主席团成员：",
        "主席： Ana Lucía Ferreyra（阿根廷）",
        "副主席： Tomasz Wielgosz（波兰）",
        "Kwame Boateng-Asare（加纳）",
        "工作组通过了议程。",
    ]


SHORT_ANNOTATED_AGENDA = """\
 2. 审议示范法草案

为审议议程项目 2，工作组将收到示范法草案。

  文件

示范法草案（CTOC/COP/WG.9/2031/2）

 3. 通过报告
"""


def test_a_heading_word_alone_on_its_line_is_never_joined(tmp_path) -> None:
    path = tmp_path / "CTOC_COP_WG.9_2031_1.zh.txt"
    path.write_text(SHORT_ANNOTATED_AGENDA, encoding="utf-8")
    blocks = segment(clean_document(read_document(path)).lines)
    assert [block.text for block in blocks] == [
        "审议示范法草案",
        "为审议议程项目 2，工作组将收到示范法草案。",
        "文件",
        "示范法草案（CTOC/COP/WG.9/2031/2）",
        "通过报告",
    ]


# Lines 30 full-width characters wide, as a renderer that never wraps at a
# space sets them: "在" would have fitted after the full stop, but not
# "在 2031 年 5 月 3 日".
_NO_SPACE_WRAP = [
    "1. 工作组审议了议程项目 3，题为“国际合作”。秘书处代表作了介",
    "绍性发言，概述了秘书处开展的各项活动，并回顾了缔约方会议的各",
    "项相关决议和工作组以往会议的建议，以及秘书处的工作成果。",
    "在 2031 年 5 月 3 日举行的会议上，许多发言者强调了中央机关的",
    "作用。",
    "2. 工作组通过了本报告。",
]
_FIRST = (
    "工作组审议了议程项目 3，题为“国际合作”。秘书处代表作了介绍性发言，概述了秘书处开展的"
    "各项活动，并回顾了缔约方会议的各项相关决议和工作组以往会议的建议，以及秘书处的工作成果。"
)
_SECOND_SENTENCE = "在 2031 年 5 月 3 日举行的会议上，许多发言者强调了中央机关的作用。"


def test_a_line_is_not_wrapped_at_a_space(context_from_text) -> None:
    # What a space joins moves to the next line as one piece: the paragraph goes on.
    blocks = context_from_text("\n".join(_NO_SPACE_WRAP), "CTOC_COP_WG.3_2031_4.zh.txt").blocks
    assert [(b.kind, b.number, b.text) for b in blocks] == [
        ("paragraph", 1, _FIRST + _SECOND_SENTENCE),
        ("paragraph", 2, "工作组通过了本报告。"),
    ]


def test_a_document_that_wraps_at_spaces(context_from_text) -> None:
    # A full line ends in a spaced number and the next goes on with a character
    # ("…5 月 1" / "日…"): this document wraps at spaces, so "在" would have
    # fitted after the full stop, and an unnumbered paragraph starts there.
    lines = [
        *_NO_SPACE_WRAP[:-1],
        "2. 工作组会议于 2031 年 5 月 2 日至 5 日举行，会议于 5 月 1",
        "日开幕。",
    ]
    blocks = context_from_text("\n".join(lines), "CTOC_COP_WG.3_2031_4.zh.txt").blocks
    assert [(b.kind, b.number, b.text) for b in blocks] == [
        ("paragraph", 1, _FIRST),
        ("body", None, _SECOND_SENTENCE),
        ("paragraph", 2, "工作组会议于 2031 年 5 月 2 日至 5 日举行，会议于 5 月 1日开幕。"),
    ]


def test_a_title_after_a_finished_sentence_stands_alone(context_from_text) -> None:
    # "第 9/2 号" would not have fitted after the full stop, but a short
    # unfinished line after a finished sentence is a title of its own.
    lines = [
        "1. 工作组审议了议程项目 3，题为“国际合作”。秘书处一名代表作了介",
        "绍性发言，概述了秘书处开展的各项活动，并回顾了缔约方会议的各",
        "项相关决议和工作组以往会议的建议，以及秘书处的工作成果。",
        "第 9/2 号决议",
        "2. 工作组通过了本报告。",
    ]
    blocks = context_from_text("\n".join(lines), "CTOC_COP_WG.3_2031_4.zh.txt").blocks
    assert [(b.kind, b.text) for b in blocks][1:] == [
        ("heading", "第 9/2 号决议"),
        ("paragraph", "工作组通过了本报告。"),
    ]
