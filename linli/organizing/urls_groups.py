"""Pages of the organizing app: groups."""

urlpatterns: list = []
