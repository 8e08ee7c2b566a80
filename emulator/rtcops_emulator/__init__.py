"""rtcops_emulator: HTTP emulators of the conference vendors' servers for offline development and tests."""
from .server import Emulator

__all__ = ["Emulator"]
