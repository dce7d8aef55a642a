"""The synthetic world generator: people, life histories and dirty records, with truth.

Public surface: ``NoiseConfig`` (noise rates), ``LookalikeConfig`` (shares of the
look-alike constructions), ``generate_extract`` (write a world as an extract plus
``truth.csv``, ``person_facts.csv``, ``truth_noise.csv`` and ``world.json``) and
``SynthReport``. The scenario catalogue is in ``catalogue``; how records express each
status follows ``docs/world-semantics.md``.
"""

from vetline.synth.config import LookalikeConfig, NoiseConfig
from vetline.synth.generate import SynthReport, generate_extract

__all__ = ["LookalikeConfig", "NoiseConfig", "SynthReport", "generate_extract"]
