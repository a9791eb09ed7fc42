"""Rules about one import statement (ARC101–ARC106): what a direct import may not do. The registry walks
a module's imports once and asks each of these rules about each imported module."""
