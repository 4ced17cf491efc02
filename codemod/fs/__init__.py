"""Safe file-system work shared by the writers (render) and the history commands: atomic files,
the tree lock, the write journal and its recovery, and checks on output paths."""
