"""The `kaohe` command line: a thin front over the library."""
