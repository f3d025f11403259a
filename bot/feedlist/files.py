"""Replacing a file whole or not at all: written to a temporary file beside it, checked
(for a config: loaded and validated exactly as the bot will), then renamed over it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import Check, Config, ConfigError, load_config
from bot.feedlist.plan import NewFeed


def _renamed(err: ConfigError, file: str) -> ConfigError:
    """The same problems, named after the file the user knows, not the temporary one."""
    return ConfigError(err.problem, file=file, key_path=err.key_path, line=err.line,
                       more=[_renamed(e, file) for e in err.more])


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def replace_file(dest: Path, data: bytes, check: Callable[[Path], object] | None = None) -> None:
    """Write `data` to `dest` atomically: a reader sees the old file or the new one, never
    half of one. `check(temp_path)` may raise to leave `dest` untouched. A symlink is
    followed (its target is replaced), and an existing file keeps its permissions."""
    target = dest.resolve()
    mode = target.stat().st_mode & 0o7777 if target.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if check is not None:
            check(Path(tmp))
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_config(dest: Path, text: str, *, added: Sequence[NewFeed] = (),
                 checks: Sequence[Check] = ()) -> Config:
    """Replace the config file `dest` with `text` only if it loads as a valid config that
    has every feed of `added` as meant; ConfigError (naming `dest`) otherwise."""
    loaded: list[Config] = []

    def validate(path: Path) -> None:
        try:
            config = load_config(path, checks=checks)
        except ConfigError as err:
            raise _renamed(err, str(dest)) from None
        have = {f.url: f.name for f in config.feeds}
        lost = [f.url for f in added if have.get(f.url) != (f.name or have.get(f.url, f.url))]
        if lost:
            raise ConfigError(f"the merged file does not read back {lost[0]!r} as written",
                              file=str(dest))
        loaded.append(config)

    replace_file(dest, text.encode("utf-8"), validate)
    return loaded[0]
