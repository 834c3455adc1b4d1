"""`xlsync demo` tells the same story, word for word, as tests/golden/demo.txt.

The folder's path and the backup's timestamp are the only parts that change from run to run.
After a deliberate change to what the demo says, rewrite the golden file with
`XLSYNC_REGENERATE=1 python -m pytest tests/test_demo_narration.py` and review its diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from clirun import errors, run

GOLDEN = Path(__file__).parent / "golden" / "demo.txt"


def test_the_demo_tells_its_story_as_the_golden_file(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = run("demo", folder)
    assert result.exit_code == 0, result.output
    assert errors(result) == []
    told = result.stdout.replace(str(folder), "<FOLDER>")
    told = re.sub(r"master\.\d{8}-\d{6}-\d{6}\.xlsx", "master.<STAMP>.xlsx", told)
    assert "<STAMP>" in told and "<FOLDER>" in told
    if os.environ.get("XLSYNC_REGENERATE"):
        GOLDEN.write_text(told, encoding="utf-8", newline="\n")
    assert told == GOLDEN.read_text(encoding="utf-8")
