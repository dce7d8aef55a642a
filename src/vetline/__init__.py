"""vetline: immigration-status query and vetting.

One person-centric core (records → persons → status) with three workflows on top:
the query desk, the vetting centre and batch analysis. See the README for the map.
"""

__version__ = "0.1.0"
