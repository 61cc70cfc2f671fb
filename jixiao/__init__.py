"""jixiao: budget performance-indicator (绩效指标) knowledge graph.

The import package ``jixiao`` maps the project's top-level folders (``extract``,
``graph``, ``api``, ``ontology``, ``queries``) as its subpackages, so nothing named
``graph`` or ``api`` is installed at the top of site-packages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jixiao")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
