"""Realistic synthetic flights, travellers, PAXLST messages and wanted-persons lists (demo, tests, load
benchmarks). The stable API: `synth_day`, `paxlst_day`, `synth_wanted_list`, `write_wanted_csv`."""

from __future__ import annotations

from paxvet.synth.day import SynthDay, SynthMessage, paxlst_day, synth_day
from paxvet.synth.wanted import synth_wanted_list, write_wanted_csv

__all__ = ["SynthDay", "SynthMessage", "paxlst_day", "synth_day", "synth_wanted_list", "write_wanted_csv"]
