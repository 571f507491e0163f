"""`python -m bench` (what `make bench` runs): every benchmark in turn."""

from bench import certificates_e2e, photo_ingest

if __name__ == "__main__":
    photo_ingest.main()
    certificates_e2e.main()
