"""The benchmark: a corpus generator made from the seeds, the PDF renderer, and
``python -m bench`` (``make bench``), which measures the pipeline.

Nothing here is imported by the pipeline itself; :mod:`bench.render`
needs reportlab (a test dependency).
"""
