"""The seed corpus (GSOMIA, five articles), installed as package data of ``stance.seeds``."""
