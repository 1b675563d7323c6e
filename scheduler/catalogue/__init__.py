"""The catalogue: what `jobs.yaml` may say (schema), what it resolves to (model), and its loader."""
