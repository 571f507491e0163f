"""`python -m bench` (what `make bench` runs): every benchmark in turn."""

from bench import photo_ingest

if __name__ == "__main__":
    photo_ingest.main()
