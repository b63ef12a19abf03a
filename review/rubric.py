"""The programme's criteria, seeded into each new committee's rubrics (SEL-1, SEL-2, SEL-5).

Each criterion's maximum points are its share of 100 (配分), and its weight starts equal to
it, so the weighted total is the sum of the points; ministry staff can change both until the
first score exists. The criteria are data, in the programme's own words.
"""

from decimal import Decimal

from .enums import CriterionGroup

# (group, name, maximum points = weight, what to look at)
ROUND_1 = [
    (
        CriterionGroup.SCHOOL,
        "學制和規模",
        4,
        "學校學制、群科與班級規模，及其與計畫目標之配合。",
    ),
    (CriterionGroup.SCHOOL, "師資概況", 5, "專任合格教師比率、師資結構與專業發展情形。"),
    (CriterionGroup.SCHOOL, "圖儀設備", 4, "圖書、實習設備與教學資源之現況及需求。"),
    (
        CriterionGroup.SCHOOL,
        "學生畢業進路及多元適性表現",
        5,
        "畢業生升學、就業情形及學生多元適性發展表現。",
    ),
    (CriterionGroup.SCHOOL, "學校地理位置", 4, "學校所在區域資源條件，偏遠或資源不足之程度。"),
    (
        CriterionGroup.SCHOOL,
        "低收入戶比率與教育投資比",
        4,
        "低收入戶學生比率及每生教育經費等教育投資情形。",
    ),
    (CriterionGroup.SCHOOL, "招生與就近入學", 4, "招生情形及社區學生就近入學比率。"),
    (
        CriterionGroup.PLAN,
        "完整性",
        15,
        "計畫架構是否完整：發展目標、現況分析、子計畫與經費概算前後一致。",
    ),
    (
        CriterionGroup.PLAN,
        "可行性",
        20,
        "策略與執行期程是否具體可行，人力、經費與自主管理機制是否到位。",
    ),
    (CriterionGroup.PLAN, "效益性", 20, "預期成效是否明確可衡量，經費編列是否合理有效益。"),
    (
        CriterionGroup.PLAN,
        "政策性",
        15,
        "是否配合教育政策與本方案辦理項目（如項目七增進學生學習品質）。",
    ),
]

ROUND_2 = [
    (CriterionGroup.PLAN, "完整性", 15, "計畫書依初審意見修正後之完整程度。"),
    (CriterionGroup.PLAN, "可行性", 20, "現場查證之人力、設備與執行準備情形。"),
    (CriterionGroup.PLAN, "效益性", 20, "預期成效與學校現況之連結，經費之合理性。"),
    (CriterionGroup.PLAN, "政策性", 15, "與教育政策及區域均衡發展之配合。"),
    (CriterionGroup.OTHER, "學校簡報與答詢", 15, "校長及團隊對計畫之掌握與答詢情形。"),
    (CriterionGroup.OTHER, "初審意見之回應", 15, "對初審委員意見之回應及改善作為。"),
]

DEFAULT_RUBRICS = {1: ROUND_1, 2: ROUND_2}


def default_criteria(number: int):
    """``(group, name, max_points, weight, description, order)`` for a new round's rubric."""
    for order, (group, name, points, description) in enumerate(DEFAULT_RUBRICS[number], 1):
        yield group, name, Decimal(points), Decimal(points), description, order
