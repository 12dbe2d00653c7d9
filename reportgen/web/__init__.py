"""The local web page (``reportgen serve``), beside the command line: the same workflows,
reached from a browser. ``app`` makes the Starlette application; ``security`` guards it."""
