"""``python -m parsers.sandbox LIFELINE_FD MEMORY_BYTES``: a parser child (``child``), as
``worker.Worker`` spawns it."""

from parsers.sandbox.child import main

main()
