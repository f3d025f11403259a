"""Dev tool: status accuracy of bot.matching.status over a labelled JSONL file (default: shared dev set).

Usage: python scripts/eval_status.py [path] [--all]   (--all also prints unscored items)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.matching.status import detect_status

DEFAULT = Path("/work/shared/eval/dev.jsonl")


def main(argv: list[str]) -> int:
    show_all = "--all" in argv
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    hits = total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        got = detect_status(item.get("title") or "", item.get("summary") or "")
        want = item.get("expected_status")
        scored = item.get("relevant") and want is not None and not item.get("borderline")
        if scored:
            total += 1
            hits += got == want
        if (scored and got != want) or show_all:
            mark = "MISS" if scored and got != want else "    "
            print(f"{mark} {item['id']} rel={item.get('relevant')} want={want} got={got}")
    print(f"status accuracy: {hits}/{total} = {hits / max(total, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
