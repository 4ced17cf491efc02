"""The CLI's commands, one module each (shared options in :mod:`common`); registered in codemod.cli."""
