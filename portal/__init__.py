"""The staff portal: municipal, kiosk-operator and centre staff, in a browser."""
