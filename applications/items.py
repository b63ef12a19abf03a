"""The programme's nine items (柒-一、辦理項目) and what each covers, from the document.

ITEM-1: every sub-plan belongs to one item; the guidance is shown beside its form.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProgrammeItem:
    number: int
    name: str
    guidance: str

    def __str__(self):
        return f"{self.number}. {self.name}"


ITEMS = {
    1: ProgrammeItem(
        1,
        "落實全面品質提升",
        "提升學校行政領導及管理，辦理知識管理或品質管理、推動持續創新及永續發展，"
        "以及落實組織再造及學習學校等計畫。",
    ),
    2: ProgrammeItem(
        2,
        "引導學校特色發展",
        "導引學校特色教學或活動，推動特色群科招生、特色課程設計、特色教材教法、"
        "特色學習評量、特色多師教學、特色輔導機制、以及發展特色社團及特色文藝活動等計畫。",
    ),
    3: ProgrammeItem(
        3,
        "提昇教師教學專業",
        "強化教師專業發展及教學，推動教師教學檔案建置、建立教師專業對話分享、"
        "規劃教師教學輔導機制、增進教師特教相關知能、落實有效教學、差異化教學、"
        "補救教學和多元評量等計畫。",
    ),
    4: ProgrammeItem(
        4,
        "促進學生多元發展",
        "增進學生多元智能及發展，辦理志工服務學習、進行增廣補救教學、實施企業見習實習、"
        "推動國際交流活動、引導特教學生性向專長發展、增進學生創新研發能力、"
        "培養學生專題製作能力、以及鼓勵學生參與各項檢定及競賽等計畫。",
    ),
    5: ProgrammeItem(
        5,
        "形塑人文藝術素養",
        "深耕校園閱讀氛圍，加強學生人文藝術涵養，辦理多元創新文藝課程、"
        "推動深化人文藝術活動，以及建立校園人文藝術環境等計畫。",
    ),
    6: ProgrammeItem(
        6,
        "推動學生就近入學",
        "落實在地學生就近入學，加強國中學生職涯探索、進行就近入學宣導，"
        "以及強化國中學生適性學習輔導等計畫。",
    ),
    7: ProgrammeItem(
        7,
        "增進學生學習品質",
        "辦理提升教師教學成效及學生（含資賦優異及身心障礙之特殊教育學生）學習品質相關計畫，"
        "如推動學習共同體、學生學習社群、教師學生共學機制、深化特殊教育學生個別化教育計畫、"
        "建立學生學習預警機制及強化學習輔導、建立友善校園及溫馨角落或文藝空間等計畫。",
    ),
    8: ProgrammeItem(
        8,
        "深化教師專業發展",
        "建立教師專業學習社群，辦理教師專業發展評鑑，推動學習型教師組織，進行共同備課議課，"
        "推動教學演示及公開觀課，實施協同教學或合作學習，實施教師教學評量機制，"
        "推動教師教學改進制度，以及教師創新教學模式等計畫。",
    ),
    9: ProgrammeItem(
        9,
        "強化技職產學鏈結",
        "深化技專和企業的聯接，規劃契合產業需求課程，進行師徒式人才培育，"
        "推動產學研創與學生創業輔導，鼓勵教師赴企業深度研習，實施學生業界實務實習，"
        "以及共構產學之課程及教學等計畫。",
    ),
}

ITEM_CHOICES = [(n, str(item)) for n, item in ITEMS.items()]

# APP-6: the exchange sub-plan (校際交流觀摩會之相關子計畫), 柒-三-(四)-4.
EXCHANGE_GUIDANCE = (
    "申辦學校應於計畫書中規劃校際交流觀摩會之相關子計畫（柒-三-(四)-4）。"
    "受輔助學校於每學年度需與其他受輔助學校共同辦理至少1次學校間之經驗交流活動；"
    "各區受輔助學校於每學年度第2學期共同辦理區域之校際經驗交流活動；"
    "並應參與本部舉辦之全國性校際經驗交流活動，校長宜全程參與。"
)

# NOTE-1: the cooperation programmes schools take part in.
COOPERATION_PROGRAMMES = [
    ("skills_education", "技藝教育"),
    ("cooperative_education", "建教合作"),
    ("industry_academia_class", "產學攜手班"),
    ("employment_class", "就業導向專班"),
    ("teacher_industry_study", "教師赴企業界研習"),
    ("strategic_alliance", "技專校院策略聯盟"),
]
