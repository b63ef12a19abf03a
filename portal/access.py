"""Small helpers views use to check permissions and page through lists."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404


def require(request, perm: str, obj=None) -> None:
    """403 unless the user holds ``perm`` (for pages and actions of a role)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def visible_or_404(request, perm: str, obj) -> None:
    """404 unless the user may see ``obj``: others do not learn that it exists."""
    if obj is None or not request.user.has_perm(perm, obj):
        raise Http404


def paginate(request, items, per_page: int = 25, count: int | None = None):
    """The requested page of ``items``; ``count``, when the caller already counted them (in
    the query that counts other things too), spares the paginator its own COUNT."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not worked out again
    return paginator.get_page(request.GET.get("page"))
