"""Streamlit rendering pieces: no SQL, no policy decisions."""
