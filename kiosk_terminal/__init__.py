"""The kiosk program: talks to the centre over HTTP only, reads the card, prints."""
