"""Commands beyond check/apply, each in its own module, registered in codemod.cli."""
