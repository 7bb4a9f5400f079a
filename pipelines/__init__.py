"""Ingestion pipelines of the observatory of social insertion clauses."""
