"""The report PDF's SVG charts: labels stay legible."""

import re
from decimal import Decimal

from assessment.charts import horizontal_bars


def test_rate_labels_are_written_past_the_100_percent_line():
    svg = horizontal_bars(
        [("業務費", Decimal("95.00")), ("設備費", Decimal("120.00")), ("合計", None)],
        title="各經費類別執行率",
    )
    line_x = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    label_x = {
        text: float(x) for x, text in re.findall(r'<text x="([\d.]+)" y="\d+">([^<]+)</text>', svg)
    }
    assert label_x["95.00%"] > line_x
    assert label_x["120.00%"] > line_x
    assert label_x["—"] > line_x
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert max(label_x.values()) + 45 <= width
