"""Rules about a whole module: who owns it (ARC002) and whether it can be read at all (ARC003)."""
