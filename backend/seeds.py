"""Every domain's reference catalogs, seeded in one call (migrations and tests use it)."""

from backend.certificates.catalog import seed_catalog as seed_certificate_types
from backend.deadlines.catalog import seed_catalog as seed_time_limits
from backend.declarations.catalog_validity import seed_catalog as seed_goods_categories
from backend.identity.catalogs import seed_catalogs as seed_identity_catalogs

# Domains append their seeders here (keep identity first: others reference districts).
SEEDERS = [seed_identity_catalogs, seed_certificate_types, seed_goods_categories, seed_time_limits]


def seed_all_catalogs() -> None:
    for seeder in SEEDERS:
        seeder()
