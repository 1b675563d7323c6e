"""The composition root, the only door the CLI uses: it builds the adapters and runs the stages,
and returns data; it never prints.

  connect.py   where AWS is (real through boto3's chain, or the embedded local one) → AwsContext
  check.py     offline: validate, rule docs, schema, upcoming fire times; the gate before AWS
  deploy.py    package + compile + read deployed state + plan; apply a plan
  operate.py   history, status, run, trigger and the local tick

Submodules are imported by the commands that need them, so `sched validate` never loads boto3.
"""
