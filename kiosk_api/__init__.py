"""The centre's HTTP face: the kiosk protocol, public verification, metrics, the app factory."""
