"""Kiosk PIN reset: the reservation JPKI's reset app gives, its use at a kiosk, the audit."""
