"""Security hardening: property tests, advisory regressions, cost bounds and refused configurations."""
