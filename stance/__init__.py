"""stance: label news sentences by the stance they convey and compare framing across outlets.

The package is a library first: each stage of the pipeline is a module a notebook
can import (corpus -> clean -> sentences -> attribution -> features -> model ->
evaluate / report); :mod:`stance.cli` is a thin command line over it.
"""

__version__ = "0.1.0"
