"""flask commands: demo-data, seed-catalogs, scheduled."""

import click
from flask import Flask

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
        """Periodic housekeeping: auto-withdraw stale returned applications, expire e-records (idempotent)."""
        from backend.review.scheduled import run_scheduled

        for task, count in run_scheduled().items():
            click.echo(f"{task}: {count}")
