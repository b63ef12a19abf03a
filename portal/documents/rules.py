import rules


@rules.predicate
def can_view_target(user, document):
    """A generated file is visible to whoever may see the object it belongs to."""
    from .registry import get_kind

    if document is None:
        return False
    kind = get_kind(document.kind)
    return bool(kind and user.has_perm(kind.view_permission, document.target))


rules.add_perm("documents.view_document", can_view_target)
