from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from linli.core.models import ApiToken, Community, Membership, Street, User


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
    raw_id_fields = ["community", "street", "group", "household"]
    filter_horizontal = ["buildings"]


@admin.register(User)
class LinliUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "is_staff", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("邻里"), {"fields": ["display_name"]})]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "community", "street", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user", "community", "street", "group", "household", "buildings"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = ["token_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
