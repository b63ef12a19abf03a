"""The school profile PDF (學校基本資料): the school's data, scores and eligibility."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.registry import DocumentKind, register
from portal.programme import calendar

from . import selectors


def profile_context(school):
    school = selectors.school_detail(school.code)
    return {
        "school": school,
        "eligibility": selectors.school_eligibility(school),
        "evaluations": [
            (e, selectors.eligibility_from_evaluation(e)) for e in school.evaluation_list
        ],
        "generated_at": timezone.now(),
    }


SCHOOL_PROFILE = register(
    DocumentKind(
        key="school_profile",
        label=_("School profile"),
        model="schools.School",
        template="pdf/school_profile.html",
        view_permission="schools.view_school",
        request_permission="schools.request_profile_pdf",
        context=profile_context,
        file_name=lambda school: f"{school.code}-學校基本資料-{calendar.roc_stamp()}.pdf",
    )
)
