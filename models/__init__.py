"""The shipped model and its card, installed as package data of ``stance.models``."""
