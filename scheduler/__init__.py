"""sched: a YAML catalogue of scheduled jobs, compiled into EventBridge schedules running Lambda."""

__version__ = "0.1.0"
