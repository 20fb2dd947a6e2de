"""govkg explorer (Streamlit). Run with `govkg app` or `streamlit run app.py`."""
