"""The portal's pages, one blueprint per area."""
