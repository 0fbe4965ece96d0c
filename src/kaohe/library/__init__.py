"""Kaohe's position library: 32 customer-service positions, each with its five modules, as data.

    from kaohe.library import load_library
    library = load_library()                 # raises LibraryLoadError naming file, line, element
    agent = library.position("call_center_agent")      # or "呼叫中心座席员"
    scheme = agent.scheme()                   # the scheme its responsibility letter uses
"""

from kaohe.library.loader import (
    LIBRARY_ROOT,
    Library,
    LibraryLoadError,
    LibraryPosition,
    default_library,
    load_library,
)

__all__ = ["LIBRARY_ROOT", "Library", "LibraryLoadError", "LibraryPosition", "default_library", "load_library"]
