"""bilingual-pr: French/English press releases in, aligned memories, drafts and QA reports out."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("bilingual-pr")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
