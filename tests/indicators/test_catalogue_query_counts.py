"""The catalogue's pages read in a fixed number of queries, whatever the number of indicators
or versions (IND-1, IND-4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.enums import Direction, IndicatorKind
from indicators.models import CatalogueVersion
from indicators.services.catalogue import indicator_save, version_create


def _indicator(name):
    return {
        "name": name,
        "kind": IndicatorKind.COUNT,
        "unit": "人",
        "decimal_places": 0,
        "scale": 1,
        "is_share_of_whole": False,
        "allows_negative": False,
        "numerator_label": "",
        "denominator_label": "",
        "definition": "學年度內之人數。",
        "direction": Direction.HIGHER,
    }


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def seeded(db):
    return CatalogueVersion.objects.get(start_year=103)


def test_catalogue_page_query_count_constant_ind1(seeded, ministry, client_for):
    client = client_for(ministry)
    draft = version_create(source=seeded, start_year=119, label="第六期程指標", by=ministry)
    url = reverse("indicators:catalogue") + f"?version={draft.pk}"
    indicator_save(version=draft, values=_indicator("新增指標一"), items=[4], by=ministry)
    client.get(url)  # warm the session and caches
    one = _count(client, url)
    for name in ("新增指標二", "新增指標三"):
        indicator_save(version=draft, values=_indicator(name), items=[4, 9], by=ministry)
    assert _count(client, url) == one


def test_versions_page_query_count_constant_ind4(seeded, ministry, client_for):
    client = client_for(ministry)
    url = reverse("indicators:versions")
    version_create(source=seeded, start_year=119, label="第六期程", by=ministry)
    client.get(url)
    one = _count(client, url)
    latest = CatalogueVersion.objects.order_by("-start_year").first()
    CatalogueVersion.objects.filter(pk=latest.pk).update(published_at=seeded.published_at)
    version_create(source=latest, start_year=122, label="第七期程", by=ministry)
    assert _count(client, url) == one
