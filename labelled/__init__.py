"""The shipped extra training sentences (written and counterfactual), installed as package data of ``stance.labelled``."""
