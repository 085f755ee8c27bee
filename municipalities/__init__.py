"""Municipality configuration and the backends that hold resident records."""
