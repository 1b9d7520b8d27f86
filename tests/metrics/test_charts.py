"""The SVG renderer: accessible, escaped, scriptless, and a faithful picture of its data."""

import re
import xml.etree.ElementTree as ET  # noqa: S405  (parses the renderer's own output)

import pytest

from metrics.charts import Series, count_axis_top, describe, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (the renderer's own output, not untrusted input)


def _first(root: ET.Element, tag: str) -> ET.Element:
    element = root.find(f"{SVG}{tag}")
    assert element is not None, f"no <{tag}>"
    return element


def _chart(**kwargs):
    options = {
        "chart_id": "c1",
        "title": "Consent decision recorded, by month",
        "description": "From Jan 14 to Mar 14.",
        "labels": ["Jan 14", "Feb 14", "Mar 14"],
        "series": [Series("Case records", [50, None, 72])],
    }
    return line_chart(**{**options, **kwargs})


def test_it_is_an_image_named_by_its_title_and_description():
    root = _parse(_chart())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert _first(root, "title").get("id") == "c1-title"
    assert _first(root, "title").text == "Consent decision recorded, by month"
    assert _first(root, "desc").text == "From Jan 14 to Mar 14."


def test_it_has_no_script_and_no_style_attribute():
    svg = str(_chart(series=[Series("A", [1, 2, 3]), Series("B", [3, 2, 1])], target=80))
    assert "<script" not in svg and "style" not in svg and "on" + "load" not in svg


def test_it_escapes_text():
    svg = str(_chart(title="<b>&", labels=["<x>", "Feb", "Mar"]))
    _parse(svg)  # well-formed
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "&lt;x&gt;" in svg


def test_a_gap_breaks_the_line_and_each_value_has_a_marker():
    root = _parse(_chart())
    path = _first(root, "path").attrib["d"]
    assert path.count("M") == 2 and "L" not in path  # two separate points, no line across the gap
    assert len(root.findall(f"{SVG}circle")) == 2


def test_percentages_are_drawn_on_a_0_to_100_axis():
    root = _parse(_chart(series=[Series("A", [0, 50, 100])]))
    ys = [float(c.attrib["cy"]) for c in root.findall(f"{SVG}circle")]
    assert ys[0] > ys[1] > ys[2]
    assert ys[1] == pytest.approx((ys[0] + ys[2]) / 2)
    assert [t.text for t in root.findall(f"{SVG}text")][:5] == ["0%", "25%", "50%", "75%", "100%"]


def test_counts_get_a_tidy_axis():
    root = _parse(_chart(series=[Series("Looked after", [164, 184, 192])], percent=False))
    assert [t.text for t in root.findall(f"{SVG}text")][:5] == ["0", "50", "100", "150", "200"]


def test_two_series_are_told_apart_by_shape_and_dashes_and_named_in_a_legend():
    svg = str(_chart(series=[Series("Case records", [1, 2, 3]), Series("Auditors' findings", [3, 2, 1])]))
    assert "<circle" in svg and "<rect" in svg and 'stroke-dasharray="6 4"' in svg
    assert "Case records" in svg and "Auditors&#x27; findings" in svg


def test_it_refuses_a_series_that_does_not_fit_the_labels():
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        _chart(series=[Series("A", [1, 2])])


@pytest.mark.parametrize(
    ("value", "top"),
    [
        (0, 4),
        (3, 4),
        (7, 8),
        (12, 12),
        (100, 100),
        (192, 200),
        (205, 240),
        (231, 240),
        (533, 600),
        (9999, 10000),
    ],
)
def test_a_count_axis_has_four_whole_number_steps_just_above_the_highest_value(value, top):
    assert count_axis_top(value) == top
    assert top >= value and (top // 4) * 4 == top


def test_the_description_names_the_lowest_highest_and_latest():
    text = describe(["Jan 14", "Feb 14", "Mar 14"], [50, None, 72])
    assert text == "From Jan 14 to Mar 14: lowest 50% in Jan 14, highest 72% in Mar 14, latest 72% in Mar 14."
    assert describe(["Jan 14"], [None]) == "No figures from Jan 14 to Jan 14."
    assert re.search(r"latest 3 in", describe(["a", "b"], [1, 3], unit=""))
