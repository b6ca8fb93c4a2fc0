from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizingConfig(AppConfig):
    name = "linli.organizing"
    label = "organizing"
    verbose_name = _("组织")

    def ready(self) -> None:
        # The organizing data of a person in their PIPL export and anonymisation (linli.registry.pipl).
        from linli.organizing import pipl
        from linli.registry.pipl import register_anonymise_step, register_person_data_section

        register_person_data_section(pipl.person_sections)
        register_anonymise_step(pipl.anonymise_person)
