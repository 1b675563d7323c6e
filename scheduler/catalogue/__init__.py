"""The catalogue: what `jobs.yaml` may say (model), and how it is read with positions (loader)."""
