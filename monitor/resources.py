"""Where newsmon's own files are: the default config/ and seeds/, in a checkout or installed.

In a source checkout (and an editable install) they are the top-level `config/` and `seeds/`
directories. A wheel carries copies of both inside the package, at `monitor/_defaults/`
(pyproject.toml's hatch `force-include`), so an installed newsmon finds them through
importlib.resources wherever it is run from. NEWSMON_CONFIG_DIR / NEWSMON_SEEDS_DIR override
both; `newsmon init DIR` writes an editable copy of the defaults.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _packaged(name: str) -> Path | None:
    found = resources.files("monitor").joinpath("_defaults", name)
    # A wheel installs as files on disk; a zipped install would need as_file(), which
    # newsmon does not support (it reads these files at every start).
    if isinstance(found, Path) and found.is_dir():
        return found
    return None


def default_dir(name: str) -> Path:
    """The packaged `name` directory (config, seeds), else the source tree's."""
    packaged = _packaged(name)
    if packaged is not None:
        return packaged
    source = _SOURCE_ROOT / name
    if source.is_dir():
        return source
    raise FileNotFoundError(
        f"newsmon's default {name}/ is missing (neither packaged at monitor/_defaults/{name} "
        f"nor at {source}): reinstall newsmon, or set NEWSMON_{name.upper()}_DIR")


def default_config_dir() -> Path:
    return default_dir("config")


def default_seeds_dir() -> Path:
    return default_dir("seeds")


def write_config_copy(target: Path) -> list[Path]:
    """Copy the default configuration into `target` (which must not hold a config yet)."""
    source = default_config_dir()
    target.mkdir(parents=True, exist_ok=True)
    clashes = [p.name for p in source.iterdir() if (target / p.name).exists()]
    if clashes:
        raise FileExistsError(f"{target} already has {', '.join(sorted(clashes))}; "
                              "newsmon init writes only into an empty directory")
    written = []
    for item in sorted(source.iterdir()):
        if item.name.startswith((".", "__")):
            continue
        dest = target / item.name
        if item.is_dir():
            shutil.copytree(item, dest)
        else:
            shutil.copy2(item, dest)
        written.append(dest)
    return written
