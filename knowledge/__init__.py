"""The SQLite knowledge base: schema, curated data, queries, conversation state, CLI."""
