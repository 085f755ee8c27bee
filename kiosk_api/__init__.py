"""HTTP face of the centre: kiosk protocol, metrics, CLI and the composition root."""
