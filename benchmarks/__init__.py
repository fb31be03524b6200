"""Side-by-side benchmarks of corsware against the identity floor and the peer CORS layers.

Run ``python -m benchmarks --help`` for the modes and flags.
"""
