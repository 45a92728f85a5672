"""Reported outcomes: what the year's reports say a plan achieved, linked to its targets.

    reading  → the document: its kind, title, year, and the heading each line sits under
    figures  → every figure of every sentence, with its period, qualifier and scope as written
    linking  → each figure linked to the plan's targets it reports on, or the reason it is not
    verdicts → met / missed / not reported / unclear per target, by rules kept in data
    graph    → all of it as RDF (qb:Observation, PROV), one named graph per report
    storage  → the state folder (plankg.versions) and the store the queries read
    command  → ``plankg outcomes``

Nothing is linked by guess: a figure reports on a target only when it measures the same
indicator node (data/indicators.ttl, with the report names of data/outcome-words.toml), for the
same place, in the plan's year; everything else is printed with the reason it was left alone.
"""
