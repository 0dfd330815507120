"""Pure rules of administrative enforcement. Imports neither streamlit nor sqlalchemy (tests/test_architecture.py)."""
