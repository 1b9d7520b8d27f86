"""The example deployment keeps every file the app writes: each file root is a named volume on every
service that runs the app, the image creates the folder (so the volume is writable by the app user), and
docs/operations.md says how to back each one up. Before this, evidence files were written inside the
container and lost when it was rebuilt."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FILE_ROOTS = ("MEDIA_ROOT", "REPORTS_ROOT", "EVIDENCE_ROOT")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def app_services(compose: dict) -> dict[str, dict]:
    return {name: s for name, s in compose["services"].items() if s.get("image") == "casetrack:latest"}


def test_web_and_the_workers_run_the_app_image(compose):
    assert {"web", "worker", "worker-metrics", "worker-reports", "beat"} <= set(app_services(compose))


@pytest.mark.parametrize("setting", FILE_ROOTS)
def test_every_file_root_is_a_named_volume_on_every_app_service(compose, setting):
    for name, service in app_services(compose).items():
        path = service["environment"][setting]
        mounts = {path: name for name, path in (volume.split(":", 1) for volume in service["volumes"])}
        assert path in mounts, f"{name}: {setting}={path} is not mounted, so its files die with the container"
        assert mounts[path] in compose["volumes"], f"{name}: {path} is not a named volume"


@pytest.mark.parametrize("setting", FILE_ROOTS)
def test_the_image_creates_each_file_root_for_the_app_user(compose, setting):
    path = app_services(compose)["web"]["environment"][setting]
    dockerfile = (ROOT / "Dockerfile").read_text()
    mkdir = re.search(r"mkdir -p ([^\\&\n]+)", dockerfile)
    assert mkdir is not None
    made = mkdir.group(1).split()
    assert path in made
    assert "chown -R app:app /app/var" in dockerfile and path.startswith("/app/var/")


def test_the_operations_guide_backs_up_the_evidence_volume():
    backups = (
        (ROOT / "docs" / "operations.md").read_text().split("## Backups and restore")[1].split("\n## ")[0]
    )
    for setting in FILE_ROOTS:
        assert f"`{setting}`" in backups
    assert "evidence" in re.findall(r"for root in ([a-z ]+);", backups)[0].split()
