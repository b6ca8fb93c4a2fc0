"""The Django admin of the organizing app (superusers only). The committee's own pages are the group
and building-group pages; these are for repairs, with the change history of every row."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.organizing.models import BuildingGroup, Group, GroupMember, LiftTrioMember


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["community", "resident"]


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "branch", "leader", "deputy", "is_active", "community"]
    list_filter = ["is_active"]
    raw_id_fields = ["community", "branch", "leader", "deputy"]
    inlines = [GroupMemberInline]


@admin.register(GroupMember)
class GroupMemberAdmin(SimpleHistoryAdmin):
    list_display = ["group", "resident", "joined_on", "left_on"]
    raw_id_fields = ["community", "group", "resident"]


class LiftTrioInline(admin.TabularInline):
    model = LiftTrioMember
    extra = 0
    raw_id_fields = ["community", "resident"]


@admin.register(BuildingGroup)
class BuildingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "building", "entrance", "leader", "deputy", "community"]
    raw_id_fields = ["community", "building", "entrance", "leader", "deputy"]
    inlines = [LiftTrioInline]
