"""Where each programme rule is written in the programme document (高職優質化輔助方案).

Pages, messages and PDFs never show internal rule IDs (ELIG-1, BUD-5 …); where a citation
helps they cite the document's own section instead. Rules that come from practice rather
than from the document (BUD-*, EVAL-*, REG-*, SCH-*) have no citation.
"""

CITATIONS = {
    "ELIG-1": "參、辦理對象",
    "ELIG-2": "參、辦理對象",
    "SCHED-1": "肆、辦理期程",
    "SCHED-2": "肆、辦理期程",
    "SCHED-3": "肆、辦理期程",
    "SCHED-4": "肆、辦理期程",
    "ITEM-1": "柒-一",
    "ITEM-2": "柒-一",
    "ITEM-3": "柒-一",
    "APP-1": "柒-二-(一)-1",
    "APP-2": "柒-二-(一)-2",
    "APP-3": "柒-二-(一)-3",
    "APP-4": "柒-二-(二)",
    "APP-5": "柒-三-(一)",
    "APP-6": "柒-三-(四)-4",
    "APP-7": "捌-一",
    "SEL-1": "柒-二-(二)",
    "SEL-2": "柒-二-(二)",
    "SEL-3": "柒-二-(三)",
    "SEL-4": "柒-二-(三)-3",
    "SEL-5": "柒-二-(三)-4",
    "SEL-6": "柒-二-(三)-5",
    "SEL-7": "伍-二",
    "SUP-9": "柒-三-(四)-5",
    "PERF-1": "柒-四",
    "PERF-2": "柒-四",
    "PERF-3": "柒-四-(一)-2",
    "PERF-4": "柒-四-(二)",
    "PERF-5": "柒-四-(一)-1",
    "IND-1": "柒-四-(一)-1",
    "IND-2": "柒-四-(一)-1",
    "IND-3": "柒-四",
    "IND-4": "柒-四-(一)",
    "NOTE-2": "柒-五-(三)",
    "RES-1": "捌-二",
    "RES-2": "捌-三",
}


def cite(code: str) -> str:
    """The programme document's section for a rule ID, or '' when it has none."""
    return CITATIONS.get(code, "")
