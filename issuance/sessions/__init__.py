"""Kiosk sessions: card authentication (JPKI), kiosk credentials, the checks every call makes."""
