"""Pages of the organizing app: volunteers."""

urlpatterns: list = []
