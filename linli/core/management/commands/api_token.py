"""`linli api_token <username> <name>`: make a bearer token for the JSON API and print it once."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.core.models import User
from linli.core.tokens import token_create


class Command(BaseCommand):
    help = "为用户创建一个接口令牌并显示（只显示这一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("name", help="令牌用途，例如「区级报表同步」")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("找不到用户“%(username)s”。") % {"username": username})
        if not user.is_active:
            raise CommandError(_("用户“%(username)s”已停用，不能创建令牌。") % {"username": username})
        if not name.strip():
            raise CommandError(_("请填写令牌用途。"))
        clear = token_create(user, name)
        # The token alone on stdout, so a script can capture it; the advice goes to stderr.
        self.stdout.write(clear)
        self.stderr.write(
            _("令牌只显示这一次，请妥善保存；请求时放在请求头 Authorization: Bearer <令牌> 中。")
        )
