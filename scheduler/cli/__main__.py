"""`python -m scheduler.cli`: the same as the `lichthidua` command."""

from scheduler.cli import main

main()
