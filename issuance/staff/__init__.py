"""Portal staff accounts (municipal, kiosk-operator and centre staff) and their audit trail."""
