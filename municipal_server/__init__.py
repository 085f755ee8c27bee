"""The reference own municipal server (protocol v2): never on the centre's production path."""
