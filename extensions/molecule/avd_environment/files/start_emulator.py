"""Start the project's emulator detached from the calling task and wait until it listens.

Usage: start_emulator.py EMULATOR_SOURCE STATE_DIR
Writes STATE_DIR/emulator.json: {"url": ..., "pid": ...}.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

source, state_dir = Path(sys.argv[1]), Path(sys.argv[2])
state_dir.mkdir(parents=True, exist_ok=True)
ready = state_dir / 'ready.json'
with open(state_dir / 'emulator.log', 'ab') as log:
    process = subprocess.Popen(
        [sys.executable, '-m', 'rtcops_emulator', '--port', '0', '--ready-file', str(ready)],
        env=dict(os.environ, PYTHONPATH=str(source)), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # outlives the task that started it; destroy.yml stops it
    )
deadline = time.monotonic() + 30
while not ready.exists():
    if process.poll() is not None or time.monotonic() > deadline:
        process.kill()
        sys.exit('the emulator did not start; see %s' % (state_dir / 'emulator.log'))
    time.sleep(0.05)
state = dict(json.loads(ready.read_text()), pid=process.pid)
(state_dir / 'emulator.json').write_text(json.dumps(state))
print(json.dumps(state))
