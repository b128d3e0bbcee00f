"""The index on disk: versions of the index folder, switched atomically, written by one process."""

from qa.store.versions import IndexBusyError, clean_leftovers, current, publish, staging, writer, written_by_us

__all__ = ["IndexBusyError", "clean_leftovers", "current", "publish", "staging", "writer", "written_by_us"]
