"""flask commands: demo-data, seed-catalogs, catalogs import, scheduled, storage prune, identity,
evidence verify."""

import json

import click
from flask import Flask
from flask.cli import AppGroup

from backend.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("seed-catalogs")
    def seed_catalogs_command():
        """Insert the reference catalogs (districts, qualification types, …)."""
        from backend.seeds import seed_all_catalogs

        seed_all_catalogs()
        db.session.commit()
        click.echo("catalogs seeded")

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Only when the database holds no users yet.")
    def demo_data_command(if_empty: bool):
        """Load demo enterprises and one user per role (idempotent)."""
        from backend.demo import load_demo_data

        for line in load_demo_data(only_if_empty=if_empty):
            click.echo(line)

    @app.cli.command("scheduled")
    def scheduled_command():
        """Periodic housekeeping: auto-withdraw stale returned applications, expire e-records (idempotent).

        The statistics roll-up is not here: Celery beat sends `statistics.roll_up` nightly; by hand
        (or from cron where there is no beat) it is `flask statistics rollup`."""
        from backend.review.scheduled import run_scheduled

        for task, count in run_scheduled().items():
            click.echo(f"{task}: {count}")

    statistics = AppGroup("statistics", help="查询统计 Statistics.")

    @statistics.command("rollup")
    def statistics_rollup_command():
        """Roll up every closed day not yet rolled up: what beat's `statistics.roll_up` runs nightly."""
        from backend.statistics.tasks import roll_up_closed_days

        click.echo(f"days rolled up: {roll_up_closed_days()}")

    app.cli.add_command(statistics)

    interchange = AppGroup("interchange", help="互联互通: receipt messages to the Single Window.")

    @interchange.command("deliver")
    def interchange_deliver_command():
        """Send every due receipt message now, in this process (what the sweep wakes a worker for)."""
        from backend.interchange import delivery

        if delivery.endpoint() is None:
            raise click.ClickException("SINGLE_WINDOW_RECEIPTS_URL is not set: nothing is pushed")
        due = delivery.due_applications()
        sent = sum(delivery.deliver_application(declaration_id=i).delivered for i in due)
        click.echo(f"receipt messages delivered: {sent}")

    app.cli.add_command(interchange)

    storage = AppGroup("storage", help="Stored photos, attachments and partial uploads.")

    @storage.command("prune")
    @click.option(
        "--older-than-hours",
        type=click.IntRange(min=1),
        default=None,
        help="Age limit for idle uploads and unreferenced files (default: 720, i.e. 30 days).",
    )
    @click.option("--dry-run", is_flag=True, help="Report what would be deleted; delete nothing.")
    def storage_prune_command(older_than_hours: int | None, dry_run: bool):
        """Expire idle unfinished uploads and delete old files no row refers to (safe while serving)."""
        from backend.media.cleanup import DEFAULT_OLDER_THAN_HOURS, prune_storage

        report = prune_storage(older_than_hours=older_than_hours or DEFAULT_OLDER_THAN_HOURS, dry_run=dry_run)
        for line in report.lines():
            click.echo(line)
        if report.failures:
            raise SystemExit(1)

    app.cli.add_command(storage)

    identity = AppGroup("identity", help="People's keys.")

    @identity.command("enrolment-code")
    @click.argument("username")
    def enrolment_code_command(username: str):
        """Print a one-time code for USERNAME's first security key (the first administrator's)."""
        from backend.errors import DomainError
        from backend.identity.enrolment import issue_enrolment_code_on_server

        try:
            issued = issue_enrolment_code_on_server(username=username)
        except DomainError as exc:
            raise click.ClickException(f"{username}: {exc.error}") from exc
        click.echo(f"{issued['username']}: {issued['code']} (valid until {issued['expires_at'].isoformat()})")

    app.cli.add_command(identity)

    evidence = AppGroup("evidence", help="Inspections' evidence bundles.")

    @evidence.command("verify")
    @click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
    @click.option(
        "--keys",
        "keys_file",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="The published keys (JSON of /api/v1/certificates/keys) instead of this server's database.",
    )
    def evidence_verify_command(bundle: str, keys_file: str | None):
        """Check a bundle: the manifest's seal, the custody chain, the files. Exit 1 naming what is wrong."""
        from backend.inspections.evidence_check import check_bundle, published_keys

        if keys_file:
            with open(keys_file, encoding="utf-8") as handle:
                keys = published_keys(json.load(handle))
        else:
            from backend.certificates.keys import public_key_map

            keys = public_key_map()
        with open(bundle, "rb") as handle:
            report = check_bundle(handle.read(), keys)
        for problem in report.problems:
            click.echo(f"{problem.message_en} / {problem.message_zh}")
        if not report.ok:
            click.echo(f"FAILED: {len(report.problems)} problem(s) / 校验未通过")
            raise SystemExit(1)
        click.echo(
            f"OK: {report.records} custody records, chain intact, manifest sealed by key {report.key_id} "
            "/ 校验通过"
        )

    app.cli.add_command(evidence)

    catalogs = AppGroup("catalogs", help="Code tables (代码表): import a new version from a file.")

    @catalogs.command("import")
    @click.argument("table")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--effective-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The day the new version takes effect (default: today, China time).")
    @click.option("--dry-run", is_flag=True, help="Show the diff; apply nothing.")
    def catalogs_import_command(table: str, file: str, effective_date, dry_run: bool):
        """Import FILE (CSV or XLSX in TABLE's layout) as TABLE's next version, as the API does."""
        from pathlib import Path

        from backend.catalogs.service import import_file
        from backend.declarations.service import china_today
        from backend.errors import DomainError

        try:
            preview, version = import_file(
                actor=None,
                table=table,
                content=Path(file).read_bytes(),
                filename=Path(file).name,
                effective_date=effective_date.date() if effective_date else china_today(),
                dry_run=dry_run,
            )
        except DomainError as exc:
            for problem in (exc.errors or {}).get("rows", []):
                click.echo(f"row {problem['row']} {problem['column']}: {problem['reason']}", err=True)
            raise click.ClickException(exc.error) from exc
        counts = preview.diff["counts"]
        click.echo(
            f"{table}: {counts['added']} added, {counts['changed']} changed, {counts['retired']} retired, "
            f"{counts['unchanged']} unchanged"
        )
        click.echo(f"applied as version {version.number}" if version else "dry run: nothing applied")

    app.cli.add_command(catalogs)
