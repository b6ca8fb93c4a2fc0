import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from linli.core.errors import DomainError
from linli.core.models import AccessLog, ApiToken, Community, Membership, PolicyVersion, Street, User
from linli.core.policy import check_figures


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "street"]
    list_filter = ["street"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["community", "street", "household"]


@admin.register(User)
class LinliUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "is_staff", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("邻里"), {"fields": ["display_name"]})]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "community", "street", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user", "community", "street", "household"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = ["token_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the record of who processed what must not be edited, not even by a superuser."""

    list_display = ["at", "action", "user", "username", "community", "object_type", "object_id", "field"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["kind", "label", "effective_from", "effective_to", "figures", "source"]

    def clean(self):
        data = super().clean()
        kind, figures = data.get("kind"), data.get("figures")
        if kind and isinstance(figures, dict):
            try:
                data["figures"] = check_figures(kind, figures)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        start, end = data.get("effective_from"), data.get("effective_to")
        if kind and start:
            others = PolicyVersion.objects.filter(kind=kind).exclude(pk=self.instance.pk)
            for other in others:
                other_end = other.effective_to or dt.date.max
                this_end = end or dt.date.max
                if other.effective_from <= this_end and start <= other_end:
                    raise forms.ValidationError(_("与版本“%(label)s”的生效期重叠。") % {"label": other.label})
        return data


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    """The dated policy table. A version that has decided results should not be edited: add a new version
    from the day the new rule applies (the form refuses overlapping periods)."""

    form = PolicyVersionForm
    list_display = ["kind", "label", "effective_from", "effective_to"]
    list_filter = ["kind"]
    search_fields = ["label", "source"]
