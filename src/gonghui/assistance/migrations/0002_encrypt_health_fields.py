"""Health data of the hardship archive is encrypted at rest (DESIGN.md rule 3, issue 16 item 9):
the causes (因病, 因残 ...) and the medical spending become ciphertext columns, and the rows
already written are encrypted in place (and decrypted again when going back)."""

from decimal import Decimal

from django.db import migrations

import gonghui.core.crypto

TABLE = "assistance_hardshipcase"
COLUMNS = ("causes", "rigid_medical")
CONTEXT = "assistance.hardshipcase.{}"


def _rewrite(apps, schema_editor, convert):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(qn(c) for c in COLUMNS)} FROM {qn(TABLE)}")
        rows = cursor.fetchall()
    updates = [
        (*(convert(column, value) for column, value in zip(COLUMNS, values, strict=True)), pk)
        for pk, *values in rows
    ]
    if updates:
        assignments = ", ".join(f"{qn(c)} = %s" for c in COLUMNS)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {qn(TABLE)} SET {assignments} WHERE id = %s", updates)


def encrypt_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    from gonghui.core.crypto import PREFIX, encrypt

    def convert(column, value):  # type: ignore[no-untyped-def]
        text = "" if value is None else str(value)
        if text.startswith(PREFIX + "$"):
            return text  # already encrypted (a re-run)
        if column == "rigid_medical":
            text = str(Decimal(text or "0"))
        else:
            text = text or "[]"
        return encrypt(text, CONTEXT.format(column))

    _rewrite(apps, schema_editor, convert)


def decrypt_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    from gonghui.core.crypto import PREFIX, decrypt

    def convert(column, value):  # type: ignore[no-untyped-def]
        text = "" if value is None else str(value)
        if text.startswith(PREFIX + "$"):
            text = decrypt(text, CONTEXT.format(column))
        return text or ("0" if column == "rigid_medical" else "[]")

    _rewrite(apps, schema_editor, convert)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hardshipcase",
            name="causes",
            field=gonghui.core.crypto.EncryptedJSONField(
                blank=True, default=list, verbose_name="致困原因"
            ),
        ),
        migrations.AlterField(
            model_name="hardshipcase",
            name="rigid_medical",
            field=gonghui.core.crypto.EncryptedDecimalField(
                default=Decimal("0"), verbose_name="刚性支出：医疗"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
