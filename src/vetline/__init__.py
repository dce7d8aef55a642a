"""vetline: immigration-status query and vetting.

One person-centric core (records → persons → status, ``vetline.person``) with the
workflows on top: the query desk, the vetting centre, batch vetting and the leads it
feeds, and the analysts' web app over the same services; accounts, the audit trail and
persistence around them all. See the README for the map, and where an endpoint or a
command goes.
"""

__version__ = "0.1.0"
