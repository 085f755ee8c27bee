"""The domain: sessions, certificate requests and their lifecycle, routing, eligibility, proof."""
