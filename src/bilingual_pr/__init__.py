"""bilingual-pr: French/English press releases in, aligned memories, drafts and QA reports out."""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # The version is looked up on first use: importlib.metadata costs some 25 ms of start-up,
    # which a release-sized command (tens of units) cannot spare (issue 22).
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("bilingual-pr")
    except PackageNotFoundError:  # running from a source tree that was not installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
