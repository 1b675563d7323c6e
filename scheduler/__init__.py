"""sched: a YAML catalogue of scheduled jobs, compiled into EventBridge schedules running Lambda."""

__version__ = "0.1.0"

PROJECT_URL = "https://github.com/sched-dev/sched"
"""Where sched's source and README live: SARIF's informationUri and every rule's helpUri."""

RULES_URL = f"{PROJECT_URL}/blob/main/README.md#diagnostics"
"""The README section that explains diagnostics, `ignore:` and `sched rules CODE`."""
