from django.apps import AppConfig


class OrganizingConfig(AppConfig):
    name = "linli.organizing"
    label = "organizing"
    verbose_name = "组织"
