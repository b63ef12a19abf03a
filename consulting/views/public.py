"""The public programme pages (SUP-9): every supported school's page and an index by region,
open without logging in. Nothing private: no budget lines, reviews, reviewers' or advisors'
names, consulting reports or inspection problems."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from portal.schools.models import School

from .. import selectors
from ..models import ExchangePhoto
from .exchanges import _photo_response


@login_not_required
def public_index(request):
    return render(request, "consulting/public/index.html", {"regions": selectors.public_index()})


@login_not_required
def public_school(request, code):
    school = get_object_or_404(School.objects.select_related("district", "county"), code=code)
    page = selectors.public_page(school)
    if page is None:
        raise Http404
    return render(request, "consulting/public/school.html", {"page": page, "school": school})


@login_not_required
def public_photo(request, pk):
    item = get_object_or_404(ExchangePhoto.objects.select_related("exchange"), pk=pk)
    if not selectors.public_photo_visible(item):
        raise Http404
    return _photo_response(item)
