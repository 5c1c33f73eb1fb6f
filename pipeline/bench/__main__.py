"""``python -m pipeline.bench``: see :mod:`pipeline.bench.run`."""

from .run import main

raise SystemExit(main())
