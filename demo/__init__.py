"""Demo data and the stand-ins that make it: the test JPKI, municipalities, residents."""
