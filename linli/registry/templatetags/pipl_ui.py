"""The PIPL parts of the resident page: the buttons for a person's data rights, and the consent records.

Inclusion tags rather than more context in the resident view, so the page gains them with one line of
template each: no query for the buttons, two at most for the consents (the consents, and the guardians
the viewer may see), whatever their number.
"""

from django import template

from linli.registry import minors, pipl, selectors_pipl

register = template.Library()


@register.inclusion_tag("registry/pipl/partials/rights_actions.html", takes_context=True)
def pipl_actions(context, resident):
    user = context["request"].user
    anonymised = resident.anonymised_at is not None
    return {
        "resident": resident,
        "anonymised": anonymised,
        "can_export": pipl.may_export_person(user, resident),
        "can_anonymise": pipl.may_anonymise(user, resident) and not resident.is_current and not anonymised,
    }


@register.inclusion_tag("registry/pipl/partials/consent_section.html", takes_context=True)
def consent_section(context, resident):
    user = context["request"].user
    may_record = user.has_perm("registry.record_consent", resident) and resident.anonymised_at is None
    return {
        "resident": resident,
        "rows": selectors_pipl.consent_rows(user, resident),
        "is_child": minors.is_child(resident.birth_date),
        "can_record": may_record and resident.is_current,
        "can_withdraw": may_record,
    }
