"""`linli rotate_keys`: re-encrypt every stored sensitive value under the first key of LINLI_FIELD_KEYS.

The procedure (docs/operations.md): generate a key, put it first in LINLI_FIELD_KEYS and keep the old one
after it, restart, run this command, then remove the old key and restart again.

Which columns: every EncryptedCharField of every installed model, found by walking the models, so the
history tables' copies (simple-history copies the field) and any model added later are included without
anyone remembering to; plus the encrypted uploads named in ENCRYPTED_BINARY_COLUMNS.

The rows are read and written with plain SQL, in primary-key batches, each batch in its own transaction
with its rows locked (a clerk saving a resident meanwhile cannot have the save overwritten with an old
value). Going through the ORM would decrypt on read and encrypt again on write, and an update through a
model would add a history row for a change that is none. A value that already decrypts with the first key
alone is left as it is, so a second run (or a run resumed after an interruption) changes nothing.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from linli.core.crypto import EncryptedCharField, fernet

# (app_label.Model, column): encrypted binary columns (raw Fernet tokens as bytes) outside EncryptedCharField.
ENCRYPTED_BINARY_COLUMNS = [("registry.ImportJob", "content")]


def encrypted_columns() -> list[tuple[type, list[str], bool]]:
    """(model, column names, binary?) for every table holding encrypted values."""
    found: list[tuple[type, list[str], bool]] = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if columns:
            found.append((model, columns, False))
    for label, column in ENCRYPTED_BINARY_COLUMNS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        found.append((model, [column], True))
    return found


class Command(BaseCommand):
    help = "把所有加密字段用 LINLI_FIELD_KEYS 的第一个密钥重新加密（轮换密钥后运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的行数（默认 500）。")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入。")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 应为正整数。")
        keys = list(settings.LINLI_FIELD_KEYS)
        primary = Fernet(keys[0].encode())
        everything = fernet()
        totals = {"rotated": 0, "current": 0, "unreadable": 0}
        for model, columns, binary in encrypted_columns():
            counts = self._rotate_table(model, columns, binary, primary, everything, batch_size, dry_run)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(
                f"{model._meta.db_table}: {counts['rotated']} rotated, {counts['current']} already current, "
                f"{counts['unreadable']} unreadable"
            )
        verb = "would be rotated" if dry_run else "rotated"
        self.stdout.write(
            f"total: {totals['rotated']} {verb}, {totals['current']} already current, "
            f"{totals['unreadable']} unreadable"
        )
        if totals["unreadable"]:
            raise CommandError(
                f"{totals['unreadable']} 个值无法用任何密钥解密：请把旧密钥放回 LINLI_FIELD_KEYS 后再运行，"
                "在此之前不要删除任何旧密钥。"
            )

    def _rotate_table(self, model, columns, binary, primary, everything, batch_size, dry_run) -> dict:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        selected = ", ".join(quote(c) for c in columns)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        head = f"SELECT {pk}, {selected} FROM {table}"  # noqa: S608 (names quoted, values bound)
        first = f"{head} ORDER BY {pk} LIMIT %s{lock}"
        after = f"{head} WHERE {pk} > %s ORDER BY {pk} LIMIT %s{lock}"
        counts = {"rotated": 0, "current": 0, "unreadable": 0}
        last = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                if last is None:
                    cursor.execute(first, [batch_size])
                else:
                    cursor.execute(after, [last, batch_size])
                rows = cursor.fetchall()
                if not rows:
                    return counts
                last = rows[-1][0]
                updates = []
                for row in rows:
                    changed = False
                    values = []
                    for token in row[1:]:
                        new = self._rotate_one(token, binary, primary, everything, counts)
                        changed |= new is not token
                        values.append(new)
                    if changed:
                        updates.append((*values, row[0]))
                if updates and not dry_run:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
                    cursor.executemany(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        updates,
                    )

    @staticmethod
    def _rotate_one(token, binary, primary, everything, counts):
        """The token re-encrypted under the first key, or the same object when nothing is to change."""
        if token is None or len(token) == 0:
            return token
        raw = bytes(token) if binary else token.encode()
        try:
            primary.decrypt(raw)
        except InvalidToken:
            pass
        else:
            counts["current"] += 1
            return token
        try:
            rotated = everything.rotate(raw)
        except InvalidToken:
            counts["unreadable"] += 1
            return token
        counts["rotated"] += 1
        return rotated if binary else rotated.decode()
