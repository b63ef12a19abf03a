"""Reference data: the evaluation items (EVAL-1). Districts and counties are seeded by
the migration ``schools.0002``."""

# EVAL-1: the 8 items of the vocational high school evaluation.
EVALUATION_ITEMS = [
    "校長領導",
    "行政管理",
    "課程教學",
    "實習輔導",
    "學務輔導",
    "環境設備",
    "社群互動",
    "績效表現",
]
