"""The sched commands a hint prints, pointed at what the user is working on: the catalogue (when
it is not the default one), the local AWS or the AWS profile and region, the environment. A
hint is followed by pasting it, so each command it names must run as printed."""

from __future__ import annotations

import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class Commands:
    """How the running command was pointed; the default is `sched` on AWS with jobs.yaml."""

    catalogue: str | None = None  # None: the one sched finds by itself (jobs.yaml here)
    local: bool = False
    profile: str | None = None
    region: str | None = None
    environment: str | None = None

    def aws(self, *args: str) -> str:
        """`sched ARGS` for a command with the AWS options (apply, status, history, ...)."""
        return shlex.join(["sched", *args, *self.pointing()])

    def pointing(self) -> list[str]:
        """The arguments that point a command with the AWS options where this one was."""
        words = self._catalogue()
        words += ["--local"] if self.local else []
        words += ["--profile", self.profile] if self.profile and not self.local else []
        # An environment brings its own region (on AWS a different --region is refused).
        words += ["--region", self.region] if self.region and self.environment is None else []
        return [*words, *self._environment()]

    def local_aws(self, *args: str) -> str:
        """`sched local ARGS` (tick, reset): local by name, they take no --local."""
        return shlex.join(["sched", "local", *args, *self._catalogue(), *self._environment()])

    def _catalogue(self) -> list[str]:
        return [self.catalogue] if self.catalogue is not None else []

    def _environment(self) -> list[str]:
        return ["--env", self.environment] if self.environment is not None else []


def apply_hint(commands: Commands) -> str:
    """What a job that is not deployed needs: `sched apply` pointed where the user is."""
    return f"`{commands.aws('apply')}` schedules it"


def missed_hint(commands: Commands) -> str | None:
    """Why fires are missed in the local AWS (nothing there fires by itself: a tick runs
    them), or None on AWS, where a missed fire is AWS's doing."""
    if not commands.local:
        return None
    return (
        "the local AWS fires no schedule by itself: "
        f"`{commands.local_aws('tick')}` runs every fire due since the last tick"
    )
