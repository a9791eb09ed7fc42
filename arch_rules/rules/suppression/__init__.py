"""Rules about the ``# noqa`` comments themselves (ARC403): a suppression is an agreed exception and owes
its reader a reason."""
