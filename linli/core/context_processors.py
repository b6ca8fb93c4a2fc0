from linli.core.scope import scope_for


def navigation(request):
    """The signed-in user's scope, for menus. Lazy: computed only if a template asks."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"scope": scope_for(request.user)}
