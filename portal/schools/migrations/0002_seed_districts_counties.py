"""Seed the 15 admission districts (REG-1) and the 22 counties and cities."""

from django.db import migrations

DISTRICTS = [
    ("jibei", "基北"),
    ("taolian", "桃連"),
    ("zhumiao", "竹苗"),
    ("zhongtou", "中投"),
    ("changhua", "彰化"),
    ("yunlin", "雲林"),
    ("chiayi", "嘉義"),
    ("tainan", "臺南"),
    ("kaohsiung", "高雄"),
    ("pingtung", "屏東"),
    ("yilan", "宜蘭"),
    ("hualien", "花蓮"),
    ("taitung", "臺東"),
    ("penghu", "澎湖"),
    ("kinmen", "金門"),
]

COUNTIES = [
    ("taipei", "臺北市", "jibei"),
    ("new-taipei", "新北市", "jibei"),
    ("keelung", "基隆市", "jibei"),
    ("taoyuan", "桃園市", "taolian"),
    ("lienchiang", "連江縣", "taolian"),
    ("hsinchu-county", "新竹縣", "zhumiao"),
    ("hsinchu-city", "新竹市", "zhumiao"),
    ("miaoli", "苗栗縣", "zhumiao"),
    ("taichung", "臺中市", "zhongtou"),
    ("nantou", "南投縣", "zhongtou"),
    ("changhua", "彰化縣", "changhua"),
    ("yunlin", "雲林縣", "yunlin"),
    ("chiayi-county", "嘉義縣", "chiayi"),
    ("chiayi-city", "嘉義市", "chiayi"),
    ("tainan", "臺南市", "tainan"),
    ("kaohsiung", "高雄市", "kaohsiung"),
    ("pingtung", "屏東縣", "pingtung"),
    ("yilan", "宜蘭縣", "yilan"),
    ("hualien", "花蓮縣", "hualien"),
    ("taitung", "臺東縣", "taitung"),
    ("penghu", "澎湖縣", "penghu"),
    ("kinmen", "金門縣", "kinmen"),
]


def seed(apps, schema_editor):
    District = apps.get_model("schools", "District")
    County = apps.get_model("schools", "County")
    districts = {}
    for order, (code, name) in enumerate(DISTRICTS, 1):
        districts[code], _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    for order, (code, name, district) in enumerate(COUNTIES, 1):
        County.objects.update_or_create(
            code=code,
            defaults={"name": name, "default_district": districts[district], "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
