"""Copy a built site to where it is served: an rsync destination or an S3-compatible bucket.

Deploying is a thin, honest wrapper around the two tools static sites are usually published with,
so what it does is exactly the command it prints (``--dry-run`` prints it without running it):

* ``rsync`` for an SSH host (``user@host:/var/www/site/``), an rsync daemon or a local folder.
  ``--checksum`` because Pelican rewrites every file (new modification times) on each build;
  ``--delete-after`` so pages disappear only once the new ones are in place.
* ``aws s3 sync`` for ``s3://bucket/prefix``, with ``--endpoint-url`` for S3-compatible stores.

SSH options (port, key) come from the usual places (``~/.ssh/config``, ``RSYNC_RSH``); AWS
credentials from the usual environment variables or profile. Nothing secret is in the settings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pelican.plugins.engagement.settings import EngagementSettings


class DeployError(RuntimeError):
    """Deploying cannot start; the message says what to configure or install."""


@dataclass(frozen=True)
class DeployPlan:
    """The one command a deploy runs."""

    tool: str
    command: list[str]


def _check_output(output: Path) -> None:
    # With --delete, deploying an empty or half-built folder would empty the live site.
    if not (output / "index.html").is_file():
        raise DeployError(f"refusing to deploy {output}: it has no index.html (build the site first)")


def plan(output: Path, settings: EngagementSettings) -> DeployPlan:
    """The command that copies ``output`` to ``DEPLOY_TARGET``."""
    target = settings.DEPLOY_TARGET
    if not target:
        raise DeployError(
            "nothing to deploy to: set ENGAGEMENT_DEPLOY_TARGET (in publishconf.py or the "
            "environment) to user@host:/path/ or s3://bucket/prefix"
        )
    source = str(output).rstrip("/") + "/"  # the folder's contents, not the folder itself
    if target.startswith("s3://"):
        command = ["aws", "s3", "sync", source, target, "--no-progress"]
        if settings.DEPLOY_DELETE:
            command.append("--delete")
        if settings.DEPLOY_S3_ENDPOINT_URL:
            command += ["--endpoint-url", settings.DEPLOY_S3_ENDPOINT_URL]
        return DeployPlan("aws", command)
    command = ["rsync", "--recursive", "--links", "--checksum", "--compress", "--human-readable",
               "--itemize-changes", "--chmod=D755,F644"]
    if settings.DEPLOY_DELETE:
        command.append("--delete-after")
    return DeployPlan("rsync", [*command, source, target.rstrip("/") + "/"])


def find_tool(name: str) -> str | None:
    """``name`` on PATH, or installed next to this Python (``pip install awscli`` into the venv)."""
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else None


def run(deploy_plan: DeployPlan, output: Path) -> None:
    """Run the plan; raises :class:`DeployError` when the tool is missing or fails."""
    _check_output(output)
    tool = find_tool(deploy_plan.tool)
    if tool is None:
        hint = "pip install awscli, or use the aws CLI v2 installer" if deploy_plan.tool == "aws" \
            else "apt-get install rsync"
        raise DeployError(f"{deploy_plan.tool} is not installed ({hint})")
    result = subprocess.run([tool, *deploy_plan.command[1:]], check=False)
    if result.returncode != 0:
        raise DeployError(f"{deploy_plan.tool} failed with exit status {result.returncode}")
