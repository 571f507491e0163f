"""Every domain's reference catalogs, seeded in one call (migrations and tests use it)."""

from backend.catalogs.seeding import seed_catalogs as seed_code_tables
from backend.certificates.catalog import seed_catalog as seed_certificate_types
from backend.deadlines.catalog import seed_catalog as seed_time_limits
from backend.declarations.catalog_validity import seed_catalog as seed_goods_categories

# Domains append their seeders here. The goods categories come first (the e-record validity table's
# projection refers to them), then the code tables, whose projections create districts and
# qualification types that everything else refers to.
SEEDERS = [seed_goods_categories, seed_code_tables, seed_certificate_types, seed_time_limits]


def seed_all_catalogs() -> None:
    for seeder in SEEDERS:
        seeder()
