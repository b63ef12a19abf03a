from .navigation import nav_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = nav_items(user, request.path)
    admin = [item for item in items if item.admin]
    return {
        "nav_items": [item for item in items if not item.admin],
        "nav_admin_items": admin,
        "nav_admin_active": any(item.active for item in admin),
    }
