"""The trends page's own labels (key → Vietnamese, English) and its number format, until the labels
move into ``parlib/core/labels.csv`` (owned by the reports); Vietnamese first, decimal commas on
Vietnamese pages.
"""

from __future__ import annotations

from parlib.core.labels import number

LABELS = {
    "block_trend": ("Xu hướng của khối", "Trend of the block"),
    "national_average": ("Trung bình cả nước (công bố)", "National average (published)"),
    "block_median": (
        "Trung vị của khối (các đơn vị có chỉ số)",
        "Median of the block (units with an index)",
    ),
    "other_units": ("Các đơn vị khác ({n})", "Other units ({n})"),
    "methodology_change": ("Thay đổi phương pháp", "Methodology change"),
    "series_break": ("Ngắt chuỗi (thay đổi đơn vị)", "Series break (units changed)"),
    "year": ("Năm", "Year"),
    "index_pct": ("Chỉ số (%)", "Index (%)"),
    "y_range": (
        "Trục tung từ {lo} đến {hi} (không bắt đầu từ 0); các giá trị từ {vmin} đến {vmax}.",
        "The y axis runs from {lo} to {hi} (not from 0); the values run from {vmin} to {vmax}.",
    ),
    "y_range_zero": (
        "Trục tung từ {lo} đến {hi}; các giá trị từ {vmin} đến {vmax}.",
        "The y axis runs from {lo} to {hi}; the values run from {vmin} to {vmax}.",
    ),
    "chart_reading": (
        "Mỗi đường là chuỗi riêng của một đơn vị, theo tên; năm không có số liệu để trống, không "
        "nối. Đường dọc nét đứt: thay đổi phương pháp; đường dọc liền: ngắt chuỗi do thay đổi "
        "đơn vị, tại ngày có hiệu lực.",
        "Each line is one unit's own series, by name; a year without a figure is left as a gap, "
        "never joined. Dashed verticals: methodology changes; solid verticals: series breaks "
        "where units changed, at their date.",
    ),
    "method_change_sentence": (
        "Từ năm {b}, {after} thay cho {before}: so sánh {a} với {b} không cùng phương pháp.",
        "From {b}, {after} replaces {before}: {a} and {b} are not scored the same way.",
    ),
    "no_method_change": (
        "Các năm của khối theo cùng một phương pháp.",
        "Every year of the block follows the same methodology.",
    ),
    "break_compare": ("So sánh qua mốc: {parts}.", "Comparison across the date: {parts}."),
    "last_figure": ("{name} ({year}: {value})", "{name} ({year}: {value})"),
    "no_figure": ("{name} (chưa có chỉ số)", "{name} (no index)"),
    "no_merged": ("không tính chỉ số gộp", "no merged index"),
    "units_change": (
        "Số đơn vị của khối trong danh mục đơn vị: {before} trước {day}, {after} từ {day}.",
        "Units of the block in the units registry: {before} before {day}, {after} from {day}.",
    ),
    "trend_sentence": (
        "Năm {year}, {top} dẫn đầu khối với {top_index}; {bottom} thấp nhất với {bottom_index} "
        "({n} đơn vị có chỉ số).",
        "In {year}, {top} leads the block with {top_index}; {bottom} is lowest with "
        "{bottom_index} ({n} units with an index).",
    ),
    "trend_sentence_one": (
        "Năm {year}, chỉ {top} có chỉ số ({top_index}).",
        "In {year}, only {top} has an index ({top_index}).",
    ),
    "average_sentence": (
        "Trung bình cả nước (công bố): {first} năm {y0}, {last} năm {y1}.",
        "National average (published): {first} in {y0}, {last} in {y1}.",
    ),
    "partial_note": (
        "Kết quả công bố chỉ liệt kê một số đơn vị mỗi năm: trung vị là của các đơn vị có chỉ số, "
        "không phải của cả khối.",
        "The published results list only some units a year: the median is that of the units "
        "with an index, not of the whole block.",
    ),
    "no_results": ("chưa có kết quả", "no results yet"),
    "movers_title": ("Biến động trong khối {a}–{b}", "Movers within the block {a}–{b}"),
    "movers_none": (
        "Không có đơn vị nào có chỉ số cả năm {a} và {b} trong khối.",
        "No unit of the block has an index in both {a} and {b}.",
    ),
    "col_year": ("Năm", "Year"),
    "col_units": ("Số đơn vị có chỉ số", "Units with an index"),
    "col_top": ("Dẫn đầu", "Top unit"),
    "col_top_index": ("Chỉ số cao nhất", "Top index"),
    "col_bottom": ("Thấp nhất", "Bottom unit"),
    "col_bottom_index": ("Chỉ số thấp nhất", "Bottom index"),
    "col_average": ("Trung bình cả nước", "National average"),
    "col_median": ("Trung vị", "Median"),
    "col_methodology": ("Phương pháp", "Methodology"),
    "col_method_changed": ("Đổi phương pháp", "Methodology changed"),
    "col_break": ("Ngắt chuỗi", "Series break"),
    "col_date": ("Ngày", "Date"),
    "col_unit": ("Đơn vị", "Unit"),
    "col_event": ("Sự kiện", "Event"),
    "col_predecessors": ("Đơn vị trước đó", "Before"),
    "col_sentence": ("So sánh", "How it compares"),
    "col_index": ("Chỉ số", "Index"),
    "col_index_before": ("Chỉ số năm trước", "Index the year before"),
    "col_index_change": ("Thay đổi chỉ số", "Index change"),
    "col_rank": ("Hạng", "Rank"),
    "col_rank_change": ("Thay đổi hạng", "Rank change"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
}


def label(key: str, lang: str, **values: object) -> str:
    """The page's label ``key`` in ``lang`` (``vi`` or ``en``), filled with ``values``."""
    vi, en = LABELS[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def num(value: object, lang: str, decimals: int = 2) -> str:
    """A number as the page writes it (decimal comma in Vietnamese)."""
    return number(value, decimals, lang)
