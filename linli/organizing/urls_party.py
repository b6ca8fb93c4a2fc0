"""Pages of the organizing app: party."""

urlpatterns: list = []
