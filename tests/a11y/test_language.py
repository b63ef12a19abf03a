"""Language of parts (WCAG 3.1.1, 3.1.2): the page says its language, and Chinese data on an
English page says it is Chinese."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

NAME = Template("{% load portal %}{{ name|zh }}")


def test_zh_marks_chinese_data_on_english_pages():
    with translation.override("en"):
        html = NAME.render(Context({"name": "國立臺中高級工業職業學校"}))
    assert html == '<span lang="zh-Hant">國立臺中高級工業職業學校</span>'


def test_zh_adds_nothing_on_chinese_pages_and_still_escapes():
    with translation.override("zh-hant"):
        html = NAME.render(Context({"name": "<b>臺中高工</b>"}))
    assert html == "&lt;b&gt;臺中高工&lt;/b&gt;"


def test_zh_leaves_latin_text_alone_on_english_pages():
    with translation.override("en"):
        html = NAME.render(Context({"name": "Mary Chen"}))
    assert html == "Mary Chen"


def test_zh_escapes_on_english_pages():
    with translation.override("en"):
        html = NAME.render(Context({"name": "<b>臺中高工</b>"}))
    assert html == '<span lang="zh-Hant">&lt;b&gt;臺中高工&lt;/b&gt;</span>'


def test_html_lang_follows_the_language_and_school_names_are_marked(client, ministry):
    school = SchoolFactory(name="國立臺中高級工業職業學校")
    client.force_login(ministry)
    chinese = client.get("/schools/").content.decode()
    assert '<html lang="zh-Hant">' in chinese
    assert f'<span lang="zh-Hant">{school.name}</span>' not in chinese
    client.cookies.load({"portal_language": "en"})
    english = client.get("/schools/").content.decode()
    assert '<html lang="en">' in english
    assert f'<span lang="zh-Hant">{school.name}</span>' in english
