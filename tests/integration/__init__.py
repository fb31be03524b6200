"""Integration suites: the example apps on real frameworks in-process, and on real servers."""
