"""`python -m bench` (what `make bench` runs): every benchmark in turn."""

from bench import certificates_e2e, field_bench, lookups_bench, monitoring_bench, photo_ingest

if __name__ == "__main__":
    photo_ingest.main()
    certificates_e2e.main()
    lookups_bench.main([])  # look-ups over the full HS table, beside a raw indexed query
    field_bench.main(["--quick"])  # the whole day (50 instructions) takes half an hour
    monitoring_bench.main(["--quick"])  # 1,000,000 on PostgreSQL: pass --db (see its docstring)
