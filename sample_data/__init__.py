"""Invented sample data (generator, catalog) and the real published reference tables it builds on."""

from pathlib import Path

# Everything the seed and the tests read lives inside the repository (see reference/README.md for sources).
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
