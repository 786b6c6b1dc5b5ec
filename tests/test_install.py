"""newsmon as a user installs it: a wheel built from this tree, installed into a new venv,
run from another directory. Config, lexicons, gazetteer, seeds and templates are package
data; nothing may be read from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("NEWSMON_")}
    env["NEWSMON_DATA_DIR"] = str(tmp / "data")
    env["NEWSMON_WEB_PORT"] = "0"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("install")
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(dist), str(ROOT)], check=True, timeout=600)
    wheels = list(dist.glob("newsmon-*.whl"))
    assert len(wheels) == 1
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheels[0])],
                   check=True, timeout=900)
    return venv


def run(venv: Path, cwd: Path, *args: str, stdin: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "newsmon"), *args], cwd=cwd, env=_env(cwd),
                          input=stdin, capture_output=True, text=True, timeout=300)


def test_the_installed_package_holds_its_data_not_the_source_tree(installed: Path,
                                                                  tmp_path: Path) -> None:
    code = ("import monitor, monitor.resources as r, monitor.web.app as w; "
            "print(monitor.__file__); print(r.default_config_dir()); "
            "print(r.default_seeds_dir()); print(w.TEMPLATES)")
    out = subprocess.run([str(installed / "bin" / "python"), "-c", code], cwd=tmp_path,
                         env=_env(tmp_path), capture_output=True, text=True, check=True)
    paths = [Path(p) for p in out.stdout.split()]
    assert all("site-packages" in str(p) for p in paths), paths
    assert not any(str(p).startswith(str(ROOT)) for p in paths), paths
    config, seeds, templates = paths[1:]
    assert (config / "lexicon.yaml").exists() and (config / "gazetteer.yaml").exists()
    assert (config / "places.generated.yaml").exists()  # the generated gazetteer ships too
    assert (seeds / "manifest.json").exists() and (templates / "fact.html").exists()


def test_demo_and_extract_work_from_another_directory(installed: Path, tmp_path: Path) -> None:
    demo = run(installed, tmp_path, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "CONTRADICTION escaped" in demo.stdout and "UPDATE transferred" in demo.stdout
    extract = run(installed, tmp_path, "extract", "-",
                  stdin="قتل 25 شخصا في غارة على حلب أمس.")
    assert extract.returncode == 0, extract.stderr
    assert '"low":25.0' in extract.stdout and '"event":"killed"' in extract.stdout
    # A town only the generated gazetteer knows, read by the installed package.
    generated = run(installed, tmp_path, "extract", "-",
                    stdin="قتل 12 شخصا في قصف على جرمانا بريف دمشق.")
    assert '"location":"sy.rifdimashq.jaramana"' in generated.stdout, generated.stdout


def test_eval_without_gold_data_is_an_error(installed: Path, tmp_path: Path) -> None:
    out = run(installed, tmp_path, "eval")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("newsmon eval: no gold data")
    empty = tmp_path / "gold.jsonl"
    empty.write_text('{"text": "لا أرقام هنا", "figures": []}\n', encoding="utf-8")
    out = run(installed, tmp_path, "eval", str(empty))
    assert out.returncode == 2 and "no annotated figures" in out.stderr


def test_init_writes_an_editable_copy_that_newsmon_config_dir_uses(installed: Path,
                                                                   tmp_path: Path) -> None:
    target = tmp_path / "cfg"
    out = run(installed, tmp_path, "init", str(target))
    assert out.returncode == 0, out.stderr
    assert (target / "lexicon.yaml").exists() and (target / "routes.yaml").exists()
    again = run(installed, tmp_path, "init", str(target))
    assert again.returncode == 2 and "already has" in again.stderr
    # The copy is what newsmon reads: an edit shows (a place the gazetteer loses).
    gaz = target / "gazetteer.yaml"
    gaz.write_text(gaz.read_text(encoding="utf-8").replace("حلب", "حلبXX"), encoding="utf-8")
    env = {**_env(tmp_path), "NEWSMON_CONFIG_DIR": str(target)}
    edited = subprocess.run([str(installed / "bin" / "newsmon"), "extract", "-"], cwd=tmp_path,
                            env=env, input="قتل 25 شخصا في غارة على حلب أمس.",
                            capture_output=True, text=True, timeout=120)
    assert edited.returncode == 0, edited.stderr
    assert '"location":"sy.aleppo"' not in edited.stdout
