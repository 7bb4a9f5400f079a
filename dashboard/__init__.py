"""The Streamlit dashboard's library: database access, French formats, filters, tables, exports, report."""
