"""The benchmark suite (``make bench``): build time, approval to page, the endpoint, page weight.

Each section measures our project next to the tool people would pick instead, in the same run, on
a synthetic site generated from a seed. See ``docs/benchmarks.md`` for what each number means.
"""
