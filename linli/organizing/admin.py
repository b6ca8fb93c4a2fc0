from django.contrib import admin

from linli.organizing.models import Group, GroupMember


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["community", "resident"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "community"]
    inlines = [GroupMemberInline]


@admin.register(GroupMember)
class GroupMemberAdmin(admin.ModelAdmin):
    list_display = ["group", "resident", "joined_on", "left_on"]
    raw_id_fields = ["community", "group", "resident"]
