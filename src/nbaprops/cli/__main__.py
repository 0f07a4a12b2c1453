"""`python -m nbaprops.cli`."""

from . import main

main()
