"""Issue 17.7: assistance's funds and their entries move into the core ledger (ADR 0022) with the
same ids, so every URL of a fund stays valid; a record's fund becomes core's Fund. Reversible:
backwards, the rows go back to the assistance tables and leave core's.

Frozen: plain SQL over the tables of the day (INSERT … SELECT keeps every value, the creation
times included, which ``auto_now_add`` would overwrite through the ORM) and the purpose codes of
the day; nothing here imports live code."""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

# FundKind's values when this migration was written: the purposes it registers in core.
PURPOSES = ("special", "donation", "campaign", "student")
RECORD_LABEL = "assistance.AssistanceRecord"


def _run(schema_editor, sql, params=()):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params)


def _reset_sequences(schema_editor, models_):
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), models_):
        _run(schema_editor, sql)


def _in(values):
    return ", ".join(["%s"] * len(values))


def into_core(apps, schema_editor):
    _run(
        schema_editor,
        "INSERT INTO core_fund (id, org_id, org_path, name, purpose, balance, created_at) "
        "SELECT id, org_id, org_path, name, kind, balance, created_at FROM assistance_fund",
    )
    _run(
        schema_editor,
        "INSERT INTO core_ledgerentry (id, fund_id, direction, amount, balance_after, memo, "
        "ref_model, ref_id, reverses_id, org_path, actor_id, at) "
        "SELECT id, fund_id, direction, amount, balance_after, memo, "
        "CASE WHEN record_id IS NULL THEN '' ELSE %s END, record_id, NULL, org_path, actor_id, at "
        "FROM assistance_fundentry",
        [RECORD_LABEL],
    )
    _reset_sequences(
        schema_editor, [apps.get_model("core", "Fund"), apps.get_model("core", "LedgerEntry")]
    )


def out_of_core(apps, schema_editor):
    """Backwards, once the records point at assistance's funds again: core keeps other purposes."""
    _run(
        schema_editor,
        "DELETE FROM core_ledgerentry WHERE fund_id IN "
        f"(SELECT id FROM core_fund WHERE purpose IN ({_in(PURPOSES)}))",
        PURPOSES,
    )
    _run(schema_editor, f"DELETE FROM core_fund WHERE purpose IN ({_in(PURPOSES)})", PURPOSES)


def back_to_assistance(apps, schema_editor):
    _run(
        schema_editor,
        "INSERT INTO assistance_fund (id, org_id, org_path, name, kind, balance, created_at) "
        "SELECT id, org_id, org_path, name, purpose, balance, created_at FROM core_fund "
        f"WHERE purpose IN ({_in(PURPOSES)})",
        PURPOSES,
    )
    _run(
        schema_editor,
        "INSERT INTO assistance_fundentry (id, fund_id, direction, amount, balance_after, memo, "
        "record_id, org_path, actor_id, at) "
        "SELECT e.id, e.fund_id, e.direction, e.amount, e.balance_after, e.memo, "
        "CASE WHEN e.ref_model = %s THEN e.ref_id ELSE NULL END, e.org_path, e.actor_id, e.at "
        "FROM core_ledgerentry e JOIN core_fund f ON f.id = e.fund_id "
        f"WHERE f.purpose IN ({_in(PURPOSES)})",
        [RECORD_LABEL, *PURPOSES],
    )
    _reset_sequences(
        schema_editor,
        [apps.get_model("assistance", "Fund"), apps.get_model("assistance", "FundEntry")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0005_record_status_fsm"),
        ("core", "0015_one_ledger"),
    ]

    operations = [
        migrations.RunPython(into_core, out_of_core),
        migrations.AlterField(
            model_name="assistancerecord",
            name="fund",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                to="core.fund",
                verbose_name="资金来源",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, back_to_assistance),
        migrations.RemoveField(model_name="fundentry", name="fund"),
        migrations.RemoveField(model_name="fundentry", name="actor"),
        migrations.RemoveField(model_name="fundentry", name="record"),
        migrations.DeleteModel(name="Fund"),
        migrations.DeleteModel(name="FundEntry"),
    ]
