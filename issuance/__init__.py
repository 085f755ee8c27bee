"""The heart of kofu: kiosk sessions, card authentication, certificate requests, rendering."""
