"""The pages the benchmark measures. To measure a new page or board, add a line.

Each page names a URL (by its Django name), the objects its URL needs (keys of the
context ``prepare.py`` builds from the scale data: ``plan``, ``round``, ``committee``,
``code``, ``assignment``, ``year``), who looks at it (``ministry``, ``school`` — the
coordinator of the first scale school, ``reviewer`` — the first scale reviewer — or
``anonymous``) and its kind: ``page`` (the goals compare it with the floor) or ``export``
(a download: timed and compared across scales only). A URL name that does not exist yet
(an app not built so far) is listed as missing and skipped, so pages can be listed before
they land.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    user: str = "ministry"
    args: tuple[str, ...] = ()
    kind: str = "page"
    query: str = ""


FLOOR = Page("floor (bare 100-row table)", "bench_floor", user="anonymous")
FLOOR_LAYOUT = Page("floor in the portal layout", "bench_floor_layout", user="ministry")

PAGES = [
    # The key pages of the issue.
    Page("ministry home", "home", user="ministry"),
    Page("plan list", "applications:plan_list"),
    Page("plan detail", "applications:plan_detail", user="school", args=("plan",)),
    Page("budget page", "applications:budget", user="school", args=("plan",)),
    Page("reviewer's list", "review:my", user="reviewer"),
    Page("round progress", "review:progress", args=("round",)),
    Page("round ranking", "review:ranking", args=("round",)),
    Page("school home", "home", user="school"),
    # Other pages that list the whole programme.
    Page("round assignments", "review:assignments", args=("round",)),
    Page("committee", "review:committee_detail", args=("committee",)),
    Page("school list", "schools:list"),
    Page("audit trail", "audit:list"),
    Page("reviewer's assignment", "review:assignment", user="reviewer", args=("assignment",)),
    # Boards of the apps above review, as they land.
    Page("indicator values board", "indicators:values_board"),
    Page("indicator values, national", "indicators:values_national"),
    Page("indicator spread", "indicators:values_spread"),
    Page("consulting semester board", "consulting:semester_board"),
    Page("consulting exchange board", "consulting:exchange_board"),
    Page("assessment board", "assessment:board"),
    # Excel exports.
    Page("plan list export", "applications:plans_export", kind="export"),
    Page("round export", "review:export", args=("round",), kind="export"),
    Page(
        "budget export", "applications:budget_export", user="school", args=("plan",), kind="export"
    ),
]

#: The documents timed against a bare WeasyPrint render of the same HTML (see pdfs.py):
#: (name, document kind key, context key of its object).
PDFS = [
    ("plan PDF", "plan", "plan"),
    ("round summary PDF", "review_round_summary", "round"),
    ("score sheet PDF", "review_score_sheet", "review"),
]
