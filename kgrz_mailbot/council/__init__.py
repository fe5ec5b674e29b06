"""Committee dates from the council information system (OParl 1.1 or iCal), kept in step with schedule.toml.

``meetings`` and ``plan`` are pure (the difference between the source and the configured sessions); ``fetch``,
``oparl`` and ``ical`` read a source; ``apply`` writes schedule.toml and the database; ``sync`` runs it all.
"""
