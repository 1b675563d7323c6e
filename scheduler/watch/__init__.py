"""The watcher: what sched's own watcher function decides and sends, from the jobs' run history.

Standard library only (with history/, schedule/ and runtime/ it ships as-is in the watcher
function): `config` (what it watches, as JSON in its zip), `state` (what it told, kept in its own
log lines), `decide` (pure: runs × state × now → alerts) and `watcher` (one pass through the ports).
"""
