"""The local data file, `local-data.yaml` beside the catalogue: what a new local AWS starts with.
Read and checked without boto3 or moto, so `sched validate` checks it offline; `local/data.py`
creates it in the local AWS.

  place.py          where the file is (beside the catalogue) and its objects' folder
  model.py          the declared buckets, tables, parameters and secrets, as frozen data
  read.py           the file read (as the catalogue is), parsed and checked whole
  check_base.py     the one pass that collects every problem at its line (SCH010)
  check_buckets.py  check_tables.py  check_stores.py   each section's checks
  names.py          names and sizes AWS would refuse; values.py: how values are shown and typed
"""
