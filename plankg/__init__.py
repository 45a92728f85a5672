"""plankg: Chinese local governments' annual work plans as a knowledge graph, with rule checks.

``import plankg`` stays cheap (``plankg --help`` loads no rdflib): :func:`open` imports the
library only when called. ``kg = plankg.open()`` gives the plans as DataFrames (plankg.notebook).
"""


def open(path=None, **options):  # noqa: A001 - plankg.open, as in the docs
    """The plans of a data folder, or of an external store (``store_url=``): see plankg.notebook.open."""
    from .notebook import open as open_plans

    return open_plans(path, **options)
