"""Seed the ministry catalogue of quantitative indicators (柒-四-(一)-1; IND-1, IND-2, PERF-3,
PERF-5): every indicator once, linked to every item that lists it, names as the document
writes them. Kinds, units, decimals, definitions (計算方式) and directions are the ministry's
working choices; staff revise them for a later phase in a new catalogue version (IND-4).
"""

from django.db import migrations

# The document's lists, item by item, exactly as written (item 4 uses one "，").
ITEM_LISTS = {
    1: (
        "學校評鑑項目一等比率、家長對學校評價、學生對學校辦學成效認同度、學校行政團隊參與"
        "學習型組織人數比"
    ),
    2: (
        "特色甄選入學科數比率、與大學合作課程數、與產業合作廠家數、協同教學業師人數比率、"
        "業師協同教學科目數、協同教學技專教師人數比率、技專教師協同教學科目數、導入合作學"
        "習策略班級數、導入合作學習策略教師人數比、學生人數與社團數比、發揚社區在地文藝社"
        "團數比、參與社區在地文藝活動次數、參與社區在地文藝活動師生人數"
    ),
    3: (
        "生師比、專任合格教師比率、平均每班專任教師數、教師專業授課比率、教師每週平均教學"
        "時數、教師參與專業發展評鑑比率、教師製作教學檔案比率、教師參與研習平均時數、教師"
        "離職率、導入合作學習策略班級數、導入合作學習策略教師人數比、參與差異化教學/補救"
        "教學之人數比、教學輔導教師參與執行教學輔導方案人數"
    ),
    4: (
        "學生參加企業參訪人數比率、學生創新研發件數、學生專題製作獲獎件數、學生參加國際交"
        "流人數比率，學生參加縣市級競賽獲獎人數比率、學生參加全國技藝（能）競賽獲獎人數比"
        "率、畢業生通過英文能力檢定比率、畢業生取得專業證照人數比率、學生人數與社團數比、"
        "學生參加服務學習平均次數、學生參加服務學習平均時數、畢業生升學（含國外）比率、畢"
        "業生就業比率、學生畢業比率"
    ),
    5: (
        "學生平均參加文藝活動次數、學校辦理藝文活動次數、每生分配圖書冊數比、圖書館學生借"
        "閱率、發揚社區在地文藝社團數比、參與社區在地文藝活動次數、參與社區在地文藝活動師"
        "生人數"
    ),
    6: (
        "高一日校新生就近入學比率、高一日校新生註冊人數比率、高一日校新生免試入學比率、國"
        "中學生參與高職端職涯探索人數、參與國中端升學進路宣導活動次數"
    ),
    7: (
        "導入合作學習策略班級數、導入合作學習策略教師人數比、參與差異化教學/補救教學之人"
        "數比、每生教育經費支出比、專科教室數量、職業群科實習工場（或專業教室）數量、每生"
        "使用教學資訊設備數量比、每生使用教室固定投影設備比、每生分配圖書冊數比、學生平均"
        "參加文藝活動次數、學校辦理藝文活動次數、圖書館學生借閱率、學生休學及輔導轉學比率"
        "、學生獎勵人次比率、學生違規人次比率、學生淨流失率、學生重補修次數比率"
    ),
    8: (
        "教師製作教學檔案比率、教師實施教學演示（公開觀課）人數比率、教師參與專業發展評鑑"
        "比率、教師參與專業學習社群比率、教師參與教學評量比率、教師赴產業實習比率、參與差"
        "異化教學/補救教學之人數比、導入合作學習策略班級數、導入合作學習策略教師人數比、"
        "教學輔導教師執行教學輔導計畫人數"
    ),
    9: (
        "與大學合作課程數、與產業合作廠家數、協同教學業師人數比率、業師協同教學科目數、協"
        "同教學技專教師人數比率、技專教師協同教學科目數、教師赴產業實習比率、學生赴產業實"
        "習比率"
    ),
}

PERCENT_OF_WHOLE = ("ratio", "%", 2, 100, True)
PERCENT = ("ratio", "%", 2, 100, False)

# name, kind, unit, decimal places, multiplier, share of a whole, numerator, denominator,
# lower is better, definition (for a value not computed as a quotient)
INDICATORS = [
    ("學校評鑑項目一等比率", *PERCENT_OF_WHOLE, "最近一次學校評鑑獲一等之項目數", "學校評鑑項目數", False, ""),
    ("家長對學校評價", "score", "分", 2, 1, False, "", "", False, "家長滿意度問卷之平均分數（五點量表，1～5分）。"),
    ("學生對學校辦學成效認同度", "score", "分", 2, 1, False, "", "", False, "學生辦學成效認同度問卷之平均分數（五點量表，1～5分）。"),
    ("學校行政團隊參與學習型組織人數比", *PERCENT_OF_WHOLE, "參與學習型組織之行政人員人數", "行政團隊總人數", False, ""),
    ("特色甄選入學科數比率", *PERCENT_OF_WHOLE, "辦理特色甄選入學之科數", "全校日間部科數", False, ""),
    ("與大學合作課程數", "count", "門", 0, 1, False, "", "", False, "學年度內與大學合作開設之課程數。"),
    ("與產業合作廠家數", "count", "家", 0, 1, False, "", "", False, "學年度內簽約或實際合作之產業廠家數。"),
    ("協同教學業師人數比率", *PERCENT, "協同教學業界專家人數", "專業科目專任教師人數", False, ""),
    ("業師協同教學科目數", "count", "科目", 0, 1, False, "", "", False, "學年度內由業界專家協同教學之科目數。"),
    ("協同教學技專教師人數比率", *PERCENT, "協同教學技專校院教師人數", "專業科目專任教師人數", False, ""),
    ("技專教師協同教學科目數", "count", "科目", 0, 1, False, "", "", False, "學年度內由技專校院教師協同教學之科目數。"),
    ("導入合作學習策略班級數", "count", "班", 0, 1, False, "", "", False, "學年度內導入合作學習策略教學之班級數。"),
    ("導入合作學習策略教師人數比", *PERCENT_OF_WHOLE, "導入合作學習策略之教師人數", "專任教師人數", False, ""),
    ("學生人數與社團數比", "ratio", "人／社", 2, 1, False, "全校學生人數", "學生社團數", True, ""),
    ("發揚社區在地文藝社團數比", *PERCENT_OF_WHOLE, "發揚社區在地文藝之社團數", "學生社團數", False, ""),
    ("參與社區在地文藝活動次數", "count", "次", 0, 1, False, "", "", False, "學年度內學校師生參與社區在地文藝活動之次數。"),
    ("參與社區在地文藝活動師生人數", "count", "人", 0, 1, False, "", "", False, "學年度內參與社區在地文藝活動之師生人數（同一人計一次）。"),
    ("生師比", "ratio", "人", 2, 1, False, "全校學生人數", "專任教師人數", True, ""),
    ("專任合格教師比率", *PERCENT_OF_WHOLE, "具合格教師證書之專任教師人數", "專任教師人數", False, ""),
    ("平均每班專任教師數", "average", "人", 2, 1, False, "專任教師人數", "班級數", False, ""),
    ("教師專業授課比率", *PERCENT_OF_WHOLE, "依登記專長授課之節數", "專任教師授課總節數", False, ""),
    ("教師每週平均教學時數", "hours", "小時", 2, 1, False, "專任教師每週教學總時數", "專任教師人數", False, ""),
    ("教師參與專業發展評鑑比率", *PERCENT_OF_WHOLE, "參與教師專業發展評鑑之專任教師人數", "專任教師人數", False, ""),
    ("教師製作教學檔案比率", *PERCENT_OF_WHOLE, "製作教學檔案之專任教師人數", "專任教師人數", False, ""),
    ("教師參與研習平均時數", "hours", "小時", 2, 1, False, "專任教師參與研習總時數", "專任教師人數", False, ""),
    ("教師離職率", *PERCENT_OF_WHOLE, "學年度內離職之專任教師人數", "學年度初專任教師人數", True, ""),
    ("參與差異化教學/補救教學之人數比", *PERCENT_OF_WHOLE, "實施差異化教學或補救教學之教師人數", "專任教師人數", False, ""),
    ("教學輔導教師參與執行教學輔導方案人數", "count", "人", 0, 1, False, "", "", False, "學年度內參與執行教學輔導方案之教學輔導教師人數。"),
    ("學生參加企業參訪人數比率", *PERCENT_OF_WHOLE, "參加企業參訪之學生人數", "全校學生人數", False, ""),
    ("學生創新研發件數", "count", "件", 0, 1, False, "", "", False, "學年度內學生創新研發作品（含專利申請）件數。"),
    ("學生專題製作獲獎件數", "count", "件", 0, 1, False, "", "", False, "學年度內學生專題製作於校外競賽獲獎之件數。"),
    ("學生參加國際交流人數比率", *PERCENT_OF_WHOLE, "參加國際交流之學生人數", "全校學生人數", False, ""),
    ("學生參加縣市級競賽獲獎人數比率", *PERCENT_OF_WHOLE, "參加縣市級競賽獲獎之學生人數", "全校學生人數", False, ""),
    ("學生參加全國技藝（能）競賽獲獎人數比率", *PERCENT_OF_WHOLE, "參加全國技藝（能）競賽獲獎之學生人數", "參加全國技藝（能）競賽之學生人數", False, ""),
    ("畢業生通過英文能力檢定比率", *PERCENT_OF_WHOLE, "通過英文能力檢定之應屆畢業生人數", "應屆畢業生人數", False, ""),
    ("畢業生取得專業證照人數比率", *PERCENT_OF_WHOLE, "取得專業證照之應屆畢業生人數", "應屆畢業生人數", False, ""),
    ("學生參加服務學習平均次數", "average", "次", 2, 1, False, "學生參加服務學習總人次", "全校學生人數", False, ""),
    ("學生參加服務學習平均時數", "hours", "小時", 2, 1, False, "學生參加服務學習總時數", "全校學生人數", False, ""),
    ("畢業生升學（含國外）比率", *PERCENT_OF_WHOLE, "升學（含國外）之應屆畢業生人數", "應屆畢業生人數", False, ""),
    ("畢業生就業比率", *PERCENT_OF_WHOLE, "就業之應屆畢業生人數", "應屆畢業生人數", False, ""),
    ("學生畢業比率", *PERCENT_OF_WHOLE, "應屆畢業生人數", "同屆入學學生人數", False, ""),
    ("學生平均參加文藝活動次數", "average", "次", 2, 1, False, "學生參加文藝活動總人次", "全校學生人數", False, ""),
    ("學校辦理藝文活動次數", "count", "次", 0, 1, False, "", "", False, "學年度內學校主辦之藝文活動次數。"),
    ("每生分配圖書冊數比", "ratio", "冊", 2, 1, False, "圖書館館藏圖書冊數", "全校學生人數", False, ""),
    ("圖書館學生借閱率", *PERCENT_OF_WHOLE, "學年度內曾借閱圖書之學生人數", "全校學生人數", False, ""),
    ("高一日校新生就近入學比率", *PERCENT_OF_WHOLE, "來自學校所在就學區之高一日校新生人數", "高一日校新生人數", False, ""),
    ("高一日校新生註冊人數比率", *PERCENT_OF_WHOLE, "高一日校新生註冊人數", "高一日校核定招生名額", False, ""),
    ("高一日校新生免試入學比率", *PERCENT_OF_WHOLE, "經免試入學之高一日校新生人數", "高一日校新生人數", False, ""),
    ("國中學生參與高職端職涯探索人數", "count", "人", 0, 1, False, "", "", False, "學年度內參與本校職涯探索活動之國中學生人數。"),
    ("參與國中端升學進路宣導活動次數", "count", "次", 0, 1, False, "", "", False, "學年度內至國中端辦理或參與升學進路宣導活動之次數。"),
    ("每生教育經費支出比", "ratio", "元", 0, 1, False, "學年度教育經費支出（元）", "全校學生人數", False, ""),
    ("專科教室數量", "count", "間", 0, 1, False, "", "", False, "學年度末可使用之專科教室間數。"),
    ("職業群科實習工場（或專業教室）數量", "count", "間", 0, 1, False, "", "", False, "學年度末可使用之職業群科實習工場（或專業教室）間數。"),
    ("每生使用教學資訊設備數量比", "ratio", "台", 2, 1, False, "可供教學使用之資訊設備台數", "全校學生人數", False, ""),
    ("每生使用教室固定投影設備比", "ratio", "台", 2, 1, False, "教室固定投影設備台數", "全校學生人數", False, ""),
    ("學生休學及輔導轉學比率", *PERCENT_OF_WHOLE, "學年度內休學及輔導轉學之學生人數", "學年度初全校學生人數", True, ""),
    ("學生獎勵人次比率", *PERCENT, "學年度內學生獲獎勵人次", "全校學生人數", False, ""),
    ("學生違規人次比率", *PERCENT, "學年度內學生違規受懲處人次", "全校學生人數", True, ""),
    ("學生淨流失率", *PERCENT_OF_WHOLE, "學年度內流出學生人數減轉入學生人數", "學年度初全校學生人數", True, ""),
    ("學生重補修次數比率", *PERCENT, "學年度內學生重補修科目人次", "全校學生人數", True, ""),
    ("教師實施教學演示（公開觀課）人數比率", *PERCENT_OF_WHOLE, "實施教學演示（公開觀課）之專任教師人數", "專任教師人數", False, ""),
    ("教師參與專業學習社群比率", *PERCENT_OF_WHOLE, "參與專業學習社群之專任教師人數", "專任教師人數", False, ""),
    ("教師參與教學評量比率", *PERCENT_OF_WHOLE, "參與教學評量之專任教師人數", "專任教師人數", False, ""),
    ("教師赴產業實習比率", *PERCENT_OF_WHOLE, "赴產業研習或實習之專業科目專任教師人數", "專業科目專任教師人數", False, ""),
    ("教學輔導教師執行教學輔導計畫人數", "count", "人", 0, 1, False, "", "", False, "學年度內執行教學輔導計畫之教學輔導教師人數。"),
    ("學生赴產業實習比率", *PERCENT_OF_WHOLE, "赴產業實習之學生人數", "專業群科學生人數", False, ""),
]

SPLIT = str.maketrans({"，": "、"})
NET_FIGURES = {"學生淨流失率"}  # a net loss turns negative when more students join than leave


def definition_of(numerator, denominator, scale, written):
    if written:
        return written
    text = f"{numerator} ÷ {denominator}"
    if scale == 100:
        text += " × 100%"
    return text + "，以學年度計。"


def seed(apps, schema_editor):
    CatalogueVersion = apps.get_model("indicators", "CatalogueVersion")
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorItem = apps.get_model("indicators", "IndicatorItem")
    version = CatalogueVersion.objects.create(
        start_year=103,
        label="高職優質化輔助方案績效考核指標（103學年度起）",
        note="依方案柒-四-(一)-1 部定量化指標建置。",
    )
    by_name = {}
    for order, row in enumerate(INDICATORS, start=1):
        name, kind, unit, places, scale, share, numerator, denominator, lower, written = row
        by_name[name] = Indicator.objects.create(
            version=version,
            key=f"Q{order:02d}",
            order=order,
            name=name,
            kind=kind,
            unit=unit,
            decimal_places=places,
            scale=scale,
            is_share_of_whole=share,
            allows_negative=name in NET_FIGURES,
            numerator_label=numerator,
            denominator_label=denominator,
            definition=definition_of(numerator, denominator, scale, written),
            direction="lower" if lower else "higher",
        )
    for item, text in ITEM_LISTS.items():
        for order, name in enumerate(text.translate(SPLIT).split("、"), start=1):
            IndicatorItem.objects.create(indicator=by_name[name], item=item, order=order)
    # Published from the start: this is the catalogue every phase so far has used.
    version.published_at = version.created_at
    version.save(update_fields=["published_at"])


def unseed(apps, schema_editor):
    CatalogueVersion = apps.get_model("indicators", "CatalogueVersion")
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorItem = apps.get_model("indicators", "IndicatorItem")
    versions = CatalogueVersion.objects.filter(start_year=103)
    IndicatorItem.objects.filter(indicator__version__in=versions).delete()
    Indicator.objects.filter(version__in=versions).delete()
    versions.delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
