"""Authenticity: document tokens, the register of issued documents, PAdES signing and checks."""
